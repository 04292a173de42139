// The SDK's express middleware in front of an app route, as an app would mount it.
import { createHealth } from '@probekit/sdk';
import { healthMiddleware } from '@probekit/sdk/express';
import express from 'express';
import { checks, port } from './sdk-checks.mjs';

const app = express();
app.use(healthMiddleware(createHealth({ checks })));
app.get('/ok', (_request, response) => {
  response.type('text/plain').send('ok');
});
app.listen(port, '127.0.0.1');
