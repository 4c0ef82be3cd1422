// A CommonJS consumer: Node ≥ 20.19 loads the ESM-only package through require() (no top-level await in it).
const client = require("@flinks-authorize/client");

console.log(JSON.stringify({ exports: Object.keys(client).sort() }));
