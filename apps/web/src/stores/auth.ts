import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import type { ChangePasswordRequest, LoginRequest, MeResponse } from '@cqo/contracts';
import * as authApi from '@/api/auth';
import { tokenStorage } from '@/utils/token-storage';

export const useAuthStore = defineStore('auth', () => {
  const user = ref<MeResponse | null>(null);
  let loadingMe: Promise<MeResponse> | null = null;

  const role = computed(() => user.value?.role ?? null);

  function hasToken(): boolean {
    return tokenStorage.get() !== null;
  }

  async function login(credentials: LoginRequest): Promise<MeResponse> {
    const response = await authApi.login(credentials);
    tokenStorage.set(response.accessToken);
    user.value = response.user;
    return response.user;
  }

  /** The signed-in user, fetched once per page load (the token survives a reload, the user does not). */
  function ensureUser(): Promise<MeResponse> {
    if (user.value) return Promise.resolve(user.value);
    loadingMe ??= authApi
      .fetchMe()
      .then((me) => {
        user.value = me;
        return me;
      })
      .finally(() => {
        loadingMe = null;
      });
    return loadingMe;
  }

  /** Changes the password; this session goes on, a forced change is done. */
  async function changePassword(body: ChangePasswordRequest): Promise<void> {
    await authApi.changePassword(body);
    if (user.value) user.value = { ...user.value, mustChangePassword: false };
  }

  /** The API asked for a password change first (403 PASSWORD_CHANGE_REQUIRED). */
  function markPasswordChangeRequired(): void {
    if (user.value) user.value = { ...user.value, mustChangePassword: true };
  }

  /** Forgets the session locally; used on logout and when the server ends the session. */
  function reset(): void {
    tokenStorage.clear();
    user.value = null;
  }

  async function logout(): Promise<void> {
    try {
      if (hasToken()) await authApi.logout();
    } catch {
      // The session is being dropped anyway; a failed server logout changes nothing for the user.
    } finally {
      reset();
    }
  }

  return { user, role, hasToken, login, ensureUser, reset, logout, changePassword, markPasswordChangeRequired };
});
