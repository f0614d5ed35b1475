import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Requests Node's HTTP parser refuses before the app sees them (a URL or headers over 16 KB, a
 * malformed request line) get the project's one error shape, not a bare status line (issue 18
 * item 7; ASVS V7.4.1). Node answers them itself when no listener is set, with an empty body.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const message = tooLarge ? '请求地址或请求头过长，请精简后重试' : '请求格式不正确';
    const body = JSON.stringify({
      statusCode: status,
      code: 'VALIDATION_FAILED',
      message,
      details: tooLarge ? [{ field: 'headers', code: 'tooLarge', message }] : [],
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
