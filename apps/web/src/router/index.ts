import { createRouter, createWebHistory } from 'vue-router';
import type { RouteRecordRaw } from 'vue-router';
import { installGuards } from './guards';

// Every page is its own chunk; the layout too, so the login page loads nothing it does not show.
const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/login/index.vue'),
    meta: { public: true, titleKey: 'login.submit' },
  },
  {
    // Outside the layout: a forced change (new or reset account) shows nothing else.
    path: '/account/password',
    name: 'change-password',
    component: () => import('@/views/auth/password/index.vue'),
    meta: { signedIn: true, titleKey: 'menu.changePassword' },
  },
  {
    // The public check of a 学时证明 (SPEC §4): no login, no layout, name / hours / validity only.
    path: '/verify/:code',
    name: 'verify',
    component: () => import('@/views/training/verify/index.vue'),
    props: true,
    meta: { public: true, titleKey: 'menu.verify' },
  },
  {
    // The public check of a capability certificate (SPEC §6): the QR code on the printed
    // certificate points here; status first, holder masked.
    path: '/verify/cqo/:number',
    name: 'verify-cqo',
    component: () => import('@/views/evaluation/verify/index.vue'),
    props: true,
    meta: { public: true, titleKey: 'menu.verifyCqo' },
  },
  {
    path: '/',
    name: 'root',
    component: () => import('@/components/layout/basic-layout.vue'),
    children: [
      {
        path: 'overview',
        name: 'overview',
        component: () => import('@/views/stats/overview/index.vue'),
        meta: { titleKey: 'menu.overview', menu: 'overview' },
      },
      {
        path: 'enterprises',
        name: 'enterprises',
        component: () => import('@/views/enterprises/list/index.vue'),
        meta: { titleKey: 'menu.enterprises', menu: 'enterprises' },
      },
      {
        path: 'enterprises/change-requests',
        name: 'enterprise-change-requests',
        component: () => import('@/views/enterprises/change-requests/index.vue'),
        meta: { titleKey: 'menu.enterpriseChangeRequests', menu: 'enterprise-change-requests' },
      },
      {
        path: 'enterprises/:id',
        name: 'enterprise-detail',
        component: () => import('@/views/enterprises/detail/index.vue'),
        props: true,
        meta: { titleKey: 'menu.enterpriseDetail', menu: 'enterprises' },
      },
      {
        path: 'enterprises/:id/cqo/filing',
        name: 'enterprise-cqo-filing',
        component: () => import('@/views/cqo/filing/index.vue'),
        props: true,
        meta: { titleKey: 'menu.cqoFiling', menu: 'enterprises' },
      },
      {
        path: 'violations',
        name: 'violations',
        component: () => import('@/views/violations/list/index.vue'),
        meta: { titleKey: 'menu.violations', menu: 'violations' },
      },
      {
        path: 'training/shortfall',
        name: 'training-shortfall',
        component: () => import('@/views/training/shortfall/index.vue'),
        meta: { titleKey: 'menu.trainingShortfall', menu: 'training-shortfall' },
      },
      {
        path: 'training/import',
        name: 'training-import',
        component: () => import('@/views/training/import/index.vue'),
        meta: { titleKey: 'menu.trainingImport', menu: 'training-import' },
      },
      {
        path: 'training/certificates/:code',
        name: 'training-certificate',
        component: () => import('@/views/training/certificate/index.vue'),
        props: true,
        meta: { titleKey: 'menu.trainingCertificate', signedIn: true },
      },
      {
        path: 'award-check',
        name: 'award-check',
        component: () => import('@/views/award-check/index.vue'),
        meta: { titleKey: 'menu.awardCheck', menu: 'award-check' },
      },
      {
        path: 'policy',
        name: 'policy',
        component: () => import('@/views/policy/catalogue/index.vue'),
        meta: { titleKey: 'menu.policy', menu: 'policy' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('@/views/audit/log/index.vue'),
        meta: { titleKey: 'menu.audit', menu: 'audit' },
      },
      {
        path: 'my-enterprise',
        name: 'my-enterprise',
        component: () => import('@/views/enterprises/mine/index.vue'),
        meta: { titleKey: 'menu.myEnterprise', menu: 'my-enterprise' },
      },
      {
        path: 'my/cqo',
        name: 'my-cqo',
        component: () => import('@/views/cqo/mine/index.vue'),
        meta: { titleKey: 'menu.myCqo', menu: 'my-cqo' },
      },
      {
        path: 'my/cqo/filing',
        name: 'my-cqo-filing',
        component: () => import('@/views/cqo/filing/index.vue'),
        meta: { titleKey: 'menu.cqoFiling', menu: 'my-cqo' },
      },
      {
        path: 'my/training',
        name: 'my-training',
        component: () => import('@/views/training/mine/index.vue'),
        meta: { titleKey: 'menu.myTraining', menu: 'my-training' },
      },
      {
        path: 'my/annual-report',
        name: 'my-annual-report',
        component: () => import('@/views/filings/my-annual-report/index.vue'),
        meta: { titleKey: 'menu.myAnnualReport', menu: 'my-annual-report' },
      },
      {
        // Links in notifications name the year in the path.
        path: 'annual-report/:year',
        redirect: (to) => ({ name: 'my-annual-report', query: { year: String(to.params.year) } }),
      },
      {
        path: 'annual-reports/review',
        name: 'annual-report-review',
        component: () => import('@/views/filings/review/index.vue'),
        meta: { titleKey: 'menu.annualReportReview', menu: 'annual-report-review' },
      },
      {
        path: 'annual-reports/status',
        name: 'annual-report-status',
        component: () => import('@/views/filings/status/index.vue'),
        meta: { titleKey: 'menu.annualReportStatus', menu: 'annual-report-status' },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('@/views/filings/notifications/index.vue'),
        meta: { titleKey: 'menu.notifications', signedIn: true },
      },
      {
        path: 'city-report',
        name: 'city-report',
        component: () => import('@/views/filings/city-report/index.vue'),
        meta: { titleKey: 'menu.cityReport', menu: 'city-report' },
      },
      {
        path: 'city-report/:regionCode/:year/print',
        name: 'city-report-print',
        component: () => import('@/views/filings/city-report-print/index.vue'),
        props: true,
        meta: { titleKey: 'menu.cityReportPrint', signedIn: true },
      },
      {
        path: 'city-reports',
        name: 'city-reports',
        component: () => import('@/views/filings/city-reports/index.vue'),
        meta: { titleKey: 'menu.cityReports', menu: 'city-reports' },
      },
      {
        path: 'filing-settings',
        name: 'filing-settings',
        component: () => import('@/views/filings/settings/index.vue'),
        meta: { titleKey: 'menu.filingSettings', menu: 'filing-settings' },
      },
      {
        path: 'stats/settings',
        name: 'stats-settings',
        component: () => import('@/views/stats/settings/index.vue'),
        meta: { titleKey: 'menu.statsSettings', menu: 'stats-settings' },
      },
      {
        // Bull Board is served by the API at /admin/queues (outside the SPA, hence a different path
        // here); this page opens it in a new tab with a cookie session.
        path: 'system/queues',
        name: 'admin-queues',
        component: () => import('@/views/admin/queues/index.vue'),
        meta: { titleKey: 'menu.adminQueues', menu: 'admin-queues' },
      },
      {
        path: 'system/users',
        name: 'admin-users',
        component: () => import('@/views/admin/users/index.vue'),
        meta: { titleKey: 'menu.users', menu: 'admin-users' },
      },
      {
        path: 'files/jobs',
        name: 'files-jobs',
        component: () => import('@/views/files/jobs/index.vue'),
        meta: { titleKey: 'menu.filesJobs', menu: 'files-jobs' },
      },
      {
        path: 'files/roster-import',
        name: 'roster-import',
        component: () => import('@/views/files/roster-import/index.vue'),
        meta: { titleKey: 'menu.rosterImport', menu: 'roster-import' },
      },
      {
        path: 'evaluation',
        name: 'evaluation',
        component: () => import('@/views/evaluation/home/index.vue'),
        meta: { titleKey: 'menu.evaluation', menu: 'evaluation' },
      },
      {
        path: 'evaluation/scoring',
        name: 'evaluation-scoring',
        component: () => import('@/views/evaluation/home/index.vue'),
        props: { mine: true },
        meta: { titleKey: 'menu.evaluationScoring', menu: 'evaluation-scoring' },
      },
      {
        // Evaluator, applicant and officers alike: the API decides what each may see and do.
        path: 'evaluation/applications/:id',
        name: 'evaluation-application',
        component: () => import('@/views/evaluation/application/index.vue'),
        props: true,
        meta: { titleKey: 'menu.evaluationApplication', signedIn: true },
      },
      {
        path: 'evaluation/applications/:id/sheet',
        name: 'evaluation-sheet',
        component: () => import('@/views/evaluation/sheet/index.vue'),
        props: true,
        meta: { titleKey: 'menu.evaluationSheet', menu: 'evaluation' },
      },
      {
        path: 'evaluation/certificates',
        name: 'evaluation-certificates',
        component: () => import('@/views/evaluation/certificates/index.vue'),
        meta: { titleKey: 'menu.evaluationCertificates', menu: 'evaluation-certificates' },
      },
      {
        path: 'evaluation/certificates/:id',
        name: 'evaluation-certificate',
        component: () => import('@/views/evaluation/certificate/index.vue'),
        props: true,
        meta: { titleKey: 'menu.evaluationCertificate', signedIn: true },
      },
      {
        path: 'evaluation/certificates/:id/print',
        name: 'evaluation-certificate-print',
        component: () => import('@/views/evaluation/certificate-print/index.vue'),
        props: true,
        meta: { titleKey: 'menu.evaluationCertificatePrint', signedIn: true },
      },
      {
        path: 'evaluation/talent-pool',
        name: 'evaluation-talent-pool',
        component: () => import('@/views/evaluation/talent-pool/index.vue'),
        meta: { titleKey: 'menu.talentPool', menu: 'evaluation-talent-pool' },
      },
      {
        path: 'my/evaluation',
        name: 'my-evaluation',
        component: () => import('@/views/evaluation/mine/index.vue'),
        meta: { titleKey: 'menu.myEvaluation', menu: 'my-evaluation' },
      },
      {
        path: 'my/evaluation/new',
        name: 'my-evaluation-new',
        component: () => import('@/views/evaluation/apply/index.vue'),
        meta: { titleKey: 'menu.myEvaluationApply', menu: 'my-evaluation' },
      },
      {
        path: 'my/evaluation/:id/resubmit',
        name: 'my-evaluation-resubmit',
        component: () => import('@/views/evaluation/apply/index.vue'),
        props: true,
        meta: { titleKey: 'menu.myEvaluationResubmit', menu: 'my-evaluation' },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

installGuards(router);
