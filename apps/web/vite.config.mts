import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const appRoot = fileURLToPath(new URL('.', import.meta.url));
const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));
const fromRoot = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// Vendor groups keep the big libraries out of the route chunks and under the 600 kB warning.
// A group also takes its dependencies, so the shared runtime (Vue) must be captured first
// (highest priority) — otherwise it lands in whichever vendor chunk claims it and that chunk
// (e.g. ECharts) would load on every page.
const vendorGroups = [
  { name: 'vendor-vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 40 },
  { name: 'vendor-element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|lodash-unified|lodash-es|async-validator|dayjs|@vueuse|@ctrl|memoize-one|normalize-wheel-es)[\\/]/, priority: 30 },
  // zrender (the renderer) is split from echarts itself; together they exceed the limit.
  { name: 'vendor-zrender', test: /node_modules[\\/]zrender[\\/]/, priority: 20 },
  { name: 'vendor-echarts', test: /node_modules[\\/](echarts|vue-echarts|tslib)[\\/]/, priority: 10 },
];

export default defineConfig({
  root: appRoot,
  base: '/',
  resolve: {
    alias: {
      '@cqo/contracts': fromRoot('libs/contracts/src/index.ts'),
      '@cqo/policy': fromRoot('libs/policy/src/index.ts'),
      '@cqo/web-ui': fromRoot('libs/web/ui/src/index.ts'),
      '@cqo/web-charts': fromRoot('libs/web/charts/src/index.ts'),
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  plugins: [
    vue(),
    // Only Element Plus services (ElMessage, ElMessageBox …) are auto-imported; Vue APIs are imported explicitly.
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: fileURLToPath(new URL('./src/types/auto-imports.d.ts', import.meta.url)),
    }),
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver()],
      dts: fileURLToPath(new URL('./src/types/components.d.ts', import.meta.url)),
    }),
  ],
  server: {
    port: 5173,
    fs: { allow: [workspaceRoot] },
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
    },
  },
  build: {
    outDir: fromRoot('dist/apps/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
});
