// A real RTMP server for tests: nginx with libnginx-mod-rtmp, in the test's
// own folder, on a free loopback port, stopped by PID.
//   const rtmp = await startNginxRtmp(dir);   // {port, url, stop()}
//   ... push to `${rtmp.url}/{stream}` (url = rtmp://127.0.0.1:PORT/live)
//   await rtmp.stop();
// nginx runs in the foreground (daemon off, one master process) as the
// current user; as root it needs `user root;` or its worker drops to
// www-data. Publish/done events are appended to dir/events.log through
// exec_publish / exec_publish_done.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, canConnect } from './harness.mjs';

export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export function nginxRtmpConf(dir, port) {
  const events = path.join(dir, 'events.log');
  return [
    `load_module ${RTMP_MODULE};`,
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `error_log ${path.join(dir, 'error.log')} info;`,
    `pid ${path.join(dir, 'nginx.pid')};`,
    'events { worker_connections 256; }',
    'rtmp {',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    chunk_size 4096;',
    '    application live {',
    '      live on;',
    '      record off;',
    `      exec_publish /bin/sh -c "echo publish $name >> ${events}";`,
    `      exec_publish_done /bin/sh -c "echo done $name >> ${events}";`,
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function startNginxRtmp(dir, { port, timeout = 10000 } = {}) {
  port = port || await freePort();
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true }); // nginx's compiled-in -p paths
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxRtmpConf(dir, port));
  let out = '';
  const child = spawn('nginx', ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const end = Date.now() + timeout;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > end) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      throw new Error(`nginx-rtmp did not listen on ${port}: ${out}${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: `rtmp://127.0.0.1:${port}/live`,
    pid: child.pid,
    dir,
    events: () => (fs.existsSync(path.join(dir, 'events.log')) ? fs.readFileSync(path.join(dir, 'events.log'), 'utf8') : ''),
    // SIGQUIT is nginx's graceful stop; SIGKILL after 5 s.
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      try { process.kill(child.pid, 'SIGQUIT'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}
