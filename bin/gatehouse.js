#!/usr/bin/env node
// The gatehouse command. Gatehouse runs its TypeScript sources directly on Node.js 24+ (type
// stripping); npm scripts and npx put the project's own Node.js 24 (the `node` devDependency) first.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`gatehouse: needs Node.js 24 or newer (this is ${process.version}); run it as "npx gatehouse" from the checkout, which uses the project's Node.js 24.\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
