import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { onPasswordChangeRequired, onSessionEnded } from './api/request';
import { i18n } from './locales';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import { useRegionStore } from './stores/region';
import './styles/index.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);

onSessionEnded(() => {
  useAuthStore(pinia).reset();
  useRegionStore(pinia).reset();
  ElMessage.warning({ message: i18n.global.t('common.sessionEnded'), grouping: true });
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    void router.replace({ name: 'login', query: current.meta.public ? {} : { redirect: current.fullPath } });
  }
});

onPasswordChangeRequired(() => {
  useAuthStore(pinia).markPasswordChangeRequired();
  const current = router.currentRoute.value;
  if (current.name !== 'change-password') {
    void router.replace({ name: 'change-password', query: current.fullPath === '/' ? {} : { redirect: current.fullPath } });
  }
});

app.mount('#app');
