// The one swc configuration for the server build (tools/build.mjs) and for jest (jest.preset.js):
// decorator metadata on (without it the ValidationPipe silently stops validating) and the @cqo/*
// aliases of tsconfig.json rewritten to relative paths at compile time.
const path = require('node:path');
const root = path.join(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));

module.exports = {
  paths: compilerOptions.paths,
  swcOptions: {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
  },
};
