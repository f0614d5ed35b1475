import { ref, type Ref } from 'vue';
import { useLatestLoad } from './use-latest-load';

// The options of a remote select (`<el-select remote :remote-method="search">`, e.g. an enterprise
// or a certificate picked by typing part of its name): each text typed asks the API, only the
// answer to the latest text fills the list, and a failure empties it.

export function useRemoteOptions<T>(fetch: (text: string) => Promise<T[]>) {
  const options = ref<T[]>([]) as Ref<T[]>;
  let text = '';
  const { loading, load } = useLatestLoad<T[]>({
    fetch: () => fetch(text.trim()),
    done: (found) => {
      options.value = found;
    },
    failed: () => {
      options.value = [];
    },
  });

  /** Searches for `value` (trimmed; '' lists the first ones). */
  function search(value: string): Promise<void> {
    text = value;
    return load();
  }

  return { options, loading, search };
}
