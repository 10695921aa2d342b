# Appends the event, one line, to the file named by APPEND_TO.
function handler () {
  echo "$1" >> "$APPEND_TO"
  echo '{"appended":true}'
}
