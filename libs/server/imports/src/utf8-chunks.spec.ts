import { utf8Chunks } from './xlsx-reader';

async function collect(parts: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  async function* source() {
    yield* parts;
  }
  for await (const c of utf8Chunks(source())) out.push(c);
  return out;
}

describe('utf8Chunks', () => {
  it('never ends a chunk inside a character, and loses no byte', async () => {
    const text = Buffer.from('名册测试493号有限公司 ok 𠀀 é');
    for (let cut = 1; cut < text.length; cut += 1) {
      const chunks = await collect([text.subarray(0, cut), text.subarray(cut)]);
      expect(Buffer.concat(chunks).equals(text)).toBe(true);
      for (const c of chunks) expect(c.toString('utf8')).not.toContain('\uFFFD');
    }
  });
});
