// pg-copy-streams ships no types; the one call the roster import and EnterprisesRepository.copyNew make.
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  export function from(text: string): Writable;
}
