# usage.sh: -h or --help as a script's first argument prints the script's header comment (its
# usage) and exits 0, before the script installs, builds or boots anything.
# Sourced at the top of each script: . "$(dirname "${BASH_SOURCE[0]}")/usage.sh"
# script_usage: that header comment, for a script that also takes --help further on.
script_usage() {
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}
case ${1:-} in
-h | --help)
    script_usage
    exit 0
    ;;
esac
