// The SDK's fastify plugin on a fastify app that also has its own `ok` route, as an app would.
import { createHealth } from '@probekit/sdk';
import { healthPlugin } from '@probekit/sdk/fastify';
import Fastify from 'fastify';
import { fixtureArgs } from './sdk-checks.mjs';

const { port, checks } = fixtureArgs();

const app = Fastify({ logger: false });
await app.register(healthPlugin, { health: createHealth({ checks }) });
app.get('/ok', () => 'ok');
await app.listen({ port, host: '127.0.0.1' });
