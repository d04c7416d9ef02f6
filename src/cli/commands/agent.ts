/** `rdmacheck agent`: the responder side of the native backend (host B), like perftest's server. */
import { runAgent } from '../../../adapters/native';
import { parsePaths } from '../../../adapters/native/agent-cli';
import { intOption, parseCommand } from '../args';
import { CliError, EXIT } from '../errors';
import type { CliIo } from '../io';

/** Usage of agent. */
export const AGENT_USAGE = `usage: rdmacheck agent [--port 18600] [--host ADDR] [--paths rxe0:eth0,rxe1:eth1] [--once]
  Runs on the responder host: opens the RDMA devices of each path (device[:netdev[:gidIndex]]),
  registers B's memory, and serves the requester's driver over TCP (QP numbers, GIDs, rkeys,
  commands, memory reads). --once stops after one driver session.`;

/** Runs `agent` until it is stopped; returns the exit code. */
export async function agentCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('agent', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    paths: { type: 'string' },
    once: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(`${AGENT_USAGE}\n`);
    return EXIT.ok;
  }
  const port = intOption('agent', 'port', values.port, 1) ?? 18600;
  const paths = parsePaths(String(values.paths ?? 'rxe0:eth0,rxe1:eth1'));
  if (paths.length === 0)
    throw new CliError('rdmacheck agent: --paths names no device (e.g. --paths rxe0:eth0,rxe1:eth1)');
  try {
    const agent = await runAgent({ port, host: values.host as string | undefined, paths, once: values.once === true });
    io.stderr.write(`rdmacheck agent: listening on port ${port} for ${paths.map((p) => p.device).join(', ')}\n`);
    await agent.closed;
    return EXIT.ok;
  } catch (err) {
    throw new CliError(`rdmacheck agent: ${err instanceof Error ? err.message : String(err)}`);
  }
}
