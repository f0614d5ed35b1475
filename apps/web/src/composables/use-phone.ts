import { onBeforeUnmount, ref, type Ref } from 'vue';

/** Under this width (a phone) the layout turns its menu into a drawer (issue 20 item 1). */
export const PHONE_QUERY = '(max-width: 767px)';

/** Whether the window is phone-wide now (follows resizes; the listener goes with the component). */
export function usePhone(): Ref<boolean> {
  const media = window.matchMedia(PHONE_QUERY);
  const phone = ref(media.matches);
  const onChange = (e: MediaQueryListEvent): void => {
    phone.value = e.matches;
  };
  media.addEventListener('change', onChange);
  onBeforeUnmount(() => media.removeEventListener('change', onChange));
  return phone;
}
