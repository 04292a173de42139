// A real gRPC server with grpc.health.v1 (grpc-health-check), answering SERVING for the whole server.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

const server = new Server();
new HealthImplementation({ '': 'SERVING' }).addToServer(server);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`listening ${port}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
