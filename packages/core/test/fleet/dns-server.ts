// A DNS server on 127.0.0.1 for discovery tests (dns2): answers A and AAAA from a table the test changes.
import dns2 from 'dns2';

const { Packet } = dns2;

export interface Records {
  readonly a?: readonly string[];
  readonly aaaa?: readonly string[];
  readonly ttl?: number;
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as `fleet.peers.resolver` takes it. */
  readonly address: string;
  readonly port: number;
  /** Sets (or with undefined, removes: NXDOMAIN) the records of a name. */
  set(name: string, records: Records | undefined): void;
  /** Questions asked so far, as `A name` / `AAAA name`. */
  readonly questions: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const table = new Map<string, Records>();
  const questions: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      if (!question) return void send(response);
      const name = question.name.toLowerCase().replace(/\.$/, '');
      const records = table.get(name);
      const type =
        question.type === Packet.TYPE.AAAA ? 'AAAA' : question.type === Packet.TYPE.A ? 'A' : 'other';
      questions.push(`${type} ${name}`);
      if (!records) {
        response.header.rcode = Packet.RCODE.NXDOMAIN;
        return void send(response);
      }
      const addresses = type === 'A' ? records.a : type === 'AAAA' ? records.aaaa : undefined;
      for (const address of addresses ?? []) {
        // The typings want a toBuffer() the encoder does not use on plain records.
        response.answers.push({
          name: question.name,
          type: question.type,
          class: Packet.CLASS.IN,
          ttl: records.ttl ?? 5,
          address,
        } as (typeof response.answers)[number]);
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp?.port;
  if (port === undefined) throw new Error('the DNS server did not listen');
  return {
    address: `127.0.0.1:${port}`,
    port,
    questions,
    set(name, records) {
      if (records === undefined) table.delete(name);
      else table.set(name, records);
    },
    close: () => server.close(),
  };
}
