// The scale section's TCP target: accepts and closes, nothing else. An HTTP server accepting 5,000 connections a
// second on the shared core fell behind (SYNs dropped, connects retried after 1 s), which measured the target.
import net from 'node:net';

const server = net.createServer((socket) => socket.destroy());
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(`listening ${server.address().port}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
