// Shared jest settings: @swc/jest with the build's swc options, and the @cqo/* aliases.
const path = require('node:path');
const { paths, swcOptions } = require('./tools/swc-options.cjs');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swcOptions] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};
