# Kills its own runtime in the middle of an invocation.
function handler () {
  echo "crash pid=$$ about to die" 1>&2
  kill -KILL $$
}
