import type { Ref } from 'vue';

/**
 * Runs a request while `flag` is set (a spinner, a button's loading state). A failure has been shown
 * by the request client already: the answer is then undefined and the page stays as it was.
 */
export async function whileBusy<T>(flag: Ref<boolean>, work: () => Promise<T>): Promise<T | undefined> {
  flag.value = true;
  try {
    return await work();
  } catch {
    return undefined;
  } finally {
    flag.value = false;
  }
}
