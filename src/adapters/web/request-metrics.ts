import type { Request, RequestHandler } from 'express';
import type { PrometheusMetrics } from '../metrics/prometheus.js';

/**
 * The route label is the matched pattern (`/api/drafts/:id`), never the raw
 * URL: one label per draft id would grow the metric without bound.
 */
function routeLabel(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}` || '/';
  return req.method === 'GET' || req.method === 'HEAD' ? 'static_or_unmatched' : 'unmatched';
}

/** Time every request from arrival to the last byte (or the client leaving). */
export function requestMetrics(metrics: PrometheusMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequest(req.method, routeLabel(req), res.statusCode, seconds);
    };
    res.on('finish', record);
    res.on('close', record);
    next();
  };
}
