// lightship 9 with its own server (it always starts one), signalled ready: `GET /ready` answers from a flag.
import { createLightship } from 'lightship';

const port = Number(process.argv[2]);
const lightship = await createLightship({ detectKubernetes: false, port, shutdownDelay: 0 });
lightship.signalReady();
