'use strict';
// Merges figures into the ours.json of one bench/run: node record.js OURS.json KEY JSONVALUE...
// (pairs of a key and its value as JSON text). Used by the bench/ours/*.sh steps.
const fs = require('fs');

const [file, ...pairs] = process.argv.slice(2);
if (!file || pairs.length === 0 || pairs.length % 2 !== 0) {
  console.error('usage: node record.js OURS.json KEY JSONVALUE [KEY JSONVALUE ...]');
  process.exit(2);
}
const ours = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
for (let i = 0; i < pairs.length; i += 2) ours[pairs[i]] = JSON.parse(pairs[i + 1]);
fs.writeFileSync(file, `${JSON.stringify(ours)}\n`);
