// A Node.js handler run through aws-lambda-ric.
exports.handler = async (event, context) => {
  console.log(`node handling ${context.awsRequestId}`);
  if (event && event.throw) {
    throw new TypeError(`boom ${event.throw}`);
  }
  return {
    pid: process.pid,
    event,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    requestId: context.awsRequestId,
    clientContext: context.clientContext || null,
    greeting: process.env.GREETING || null,
    remainingMs: context.getRemainingTimeInMillis(),
    traceId: process.env._X_AMZN_TRACE_ID || null,
  };
};
