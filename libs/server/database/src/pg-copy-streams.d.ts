// pg-copy-streams ships no types; the one call copyIn (copy-in.ts) makes.
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  export function from(text: string): Writable;
}
