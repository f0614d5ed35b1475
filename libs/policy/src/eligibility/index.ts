export * from './dates';
export * from './evaluate';
export * from './profiles';
export * from './validate-profile';
