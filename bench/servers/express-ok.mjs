// A bare express route answering `ok`: the baseline of the SDK's express router.
import express from 'express';

const port = Number(process.argv[2]);
const app = express();
app.get('/ok', (_request, response) => {
  response.type('text/plain').send('ok');
});
app.listen(port, '127.0.0.1');
