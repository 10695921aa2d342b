// The invoke benchmark's function: answers a small JSON object at once. Served unchanged by
// `allma lambda serve` (through aws-lambda-ric) and by serverless-offline.
exports.handler = async (event) => ({ ok: true, echo: event && event.n !== undefined ? event.n : null });
