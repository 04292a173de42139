#!/usr/bin/env node
// Writes schema/probekit.schema.json from src/config/schema.ts (build first); test/schema.test.ts keeps them equal.
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA } from '../dist/config/schema.js';

writeFileSync(
  new URL('../schema/probekit.schema.json', import.meta.url),
  `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`,
);
