// A bare fastify route answering `ok`: the baseline of the sidecar and of the SDK's fastify plugin.
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
app.get('/ok', () => 'ok');
await app.listen({ port, host: '127.0.0.1' });
