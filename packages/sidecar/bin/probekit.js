#!/usr/bin/env node
// The installed `probekit` command: a committed file, so that npm links it even before dist/ is built.
import '../dist/bundle/cli.js';
