// The SDK's express middleware in front of an app route, as an app would mount it.
import { createHealth } from '@probekit/sdk';
import { healthMiddleware } from '@probekit/sdk/express';
import express from 'express';
import { fixtureArgs } from './sdk-checks.mjs';

const { port, checks } = fixtureArgs();

const app = express();
app.use(healthMiddleware(createHealth({ checks })));
app.get('/ok', (_request, response) => {
  response.type('text/plain').send('ok');
});
app.listen(port, '127.0.0.1');
