export * from './dates';
export * from './evaluate';
export * from './in-post';
export * from './plausibility';
export * from './profiles';
export * from './term';
export * from './validate-profile';
