# Answers with the event and facts about the process that ran it.
function handler () {
  EVENT_DATA=$1
  echo "echo handling $REQUEST_ID pid=$$" 1>&2
  printf '{"pid":%s,"event":%s,"greeting":"%s","functionName":"%s","memory":"%s","region":"%s","requestId":"%s","taskRoot":"%s"}' \
    "$$" "$EVENT_DATA" "${GREETING:-}" "$AWS_LAMBDA_FUNCTION_NAME" \
    "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" "$AWS_REGION" "$REQUEST_ID" "$LAMBDA_TASK_ROOT"
}
