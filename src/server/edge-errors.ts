import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-map.ts';

// Errors that come before any route or hook runs, in the error shape like every other answer:
// fastify's router refusing a URL, and Node's HTTP parser refusing a request.

/** fastify's `frameworkErrors`: a bad %-escape in the path (400), a path parameter over maxParamLength (414). */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(414).send(errorBody('uri_too_long', 'a path segment of the URL is too long'));
  } else if (err.code === 'FST_ERR_BAD_URL') {
    void reply.status(400).send(errorBody('bad_url', 'the URL has an invalid %-escape'));
  } else {
    void reply.status(err.statusCode ?? 500).send(errorBody('bad_request', err.message));
  }
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'the request line and headers are larger than 16 KB'],
};

/**
 * fastify's `clientErrorHandler`, for Node's `clientError` event: a request that the HTTP parser
 * refuses (headers over maxHeaderSize, malformed request lines) or that took longer than
 * requestTimeout. Node answers these itself only when no listener is attached; fastify attaches
 * this one, so the answer has the error shape, and the socket is closed after it.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'bad_request', 'the request is not valid HTTP'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
