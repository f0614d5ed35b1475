import { useRouter } from 'vue-router';
import type { NotificationItem } from '@cqo/contracts';
import { useNotificationStore } from '@/stores/notifications';

/** Clicking a notification marks it read and goes to its link (a dashboard route), if any. */
export function useOpenNotification() {
  const router = useRouter();
  const store = useNotificationStore();
  return async (item: NotificationItem): Promise<void> => {
    await store.markRead(item).catch(() => undefined);
    if (item.link) await router.push(item.link);
  };
}
