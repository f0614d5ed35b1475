/** 聘任备案 (no CQO in post) or 变更 (the one in post changes or is replaced). */
export type FilingMode = 'appoint' | 'change';
