import { ref } from 'vue';
import { whileBusy } from './busy';

// whileBusy: the button shows it is busy while the request is out, and stops showing it whether the
// request answered or failed (the request client has shown a failure's message).
describe('whileBusy', () => {
  it('sets the flag while the request is out and gives its answer', async () => {
    const busy = ref(false);
    let during: boolean | undefined;
    const answer = await whileBusy(busy, async () => {
      during = busy.value;
      return 42;
    });
    expect(during).toBe(true);
    expect(busy.value).toBe(false);
    expect(answer).toBe(42);
  });

  it('clears the flag after a failure and answers undefined', async () => {
    const busy = ref(false);
    const answer = await whileBusy(busy, () => Promise.reject(new Error('400')));
    expect(busy.value).toBe(false);
    expect(answer).toBeUndefined();
  });
});
