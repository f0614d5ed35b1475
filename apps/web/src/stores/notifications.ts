import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { NotificationItem } from '@cqo/contracts';
import { fetchNotifications, markAllNotificationsRead, markNotificationRead } from '@/api/notifications';

/** The unread count behind the header bell, shared with the notification page so both agree. */
export const useNotificationStore = defineStore('notifications', () => {
  const unread = ref(0);
  let polling: Promise<void> | null = null;

  /** One cheap request (a page of one); concurrent calls share it, a failure keeps the last count. */
  function refreshUnread(): Promise<void> {
    polling ??= fetchNotifications({ unreadOnly: true, pageSize: 1 })
      .then((list) => {
        unread.value = list.unread;
      })
      .catch(() => undefined)
      .finally(() => {
        polling = null;
      });
    return polling;
  }

  async function markRead(item: NotificationItem): Promise<void> {
    if (item.readAt) return;
    await markNotificationRead(item.id);
    item.readAt = new Date().toISOString();
    unread.value = Math.max(0, unread.value - 1);
  }

  async function markAllRead(): Promise<void> {
    await markAllNotificationsRead();
    unread.value = 0;
  }

  function reset(): void {
    unread.value = 0;
  }

  return { unread, refreshUnread, markRead, markAllRead, reset };
});
