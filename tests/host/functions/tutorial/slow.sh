# Sleeps for the event's "sleep" seconds, then answers. Logs its pid first.
function handler () {
  EVENT_DATA=$1
  echo "slow pid=$$" 1>&2
  SECONDS_TO_SLEEP=$(echo "$EVENT_DATA" | grep -o '"sleep": *[0-9.]*' | grep -o '[0-9.]*$')
  sleep "${SECONDS_TO_SLEEP:-1}"
  printf '{"slept":%s,"pid":%s}' "${SECONDS_TO_SLEEP:-1}" "$$"
}
