// The one script that commits a new agent config on a Linux router, in one round trip.
import { routerTempTemplates, sweepStaleTempScript } from './router-temp-files.ts';

/**
 * The commit in one round trip (a constant script; every value is a positional argument):
 * $1 agent path, $2 sha256 the installed agent must have, $3 revert seconds, $4 sha256 of the
 * config the plan was made from ("-": no check), $5 config path, $6 a nonce for the markers
 * (so text a login shell prints cannot pose as them), $7 sha256 of the new config, which arrives on
 * stdin: a link that drops mid-upload ends stdin early and `cat` still exits 0, so the upload is
 * checked before the agent sees it. Stale temp files of earlier sessions that were cut off are
 * removed on the way (router-temp-files.ts).
 */
export const commitScript = `n=$6
${sweepStaleTempScript}
sum=$(sha256sum "$1" 2>/dev/null); sum=\${sum%% *}
if [ "$sum" != "$2" ] || ! "$1" status 0 2>/dev/null | grep -q '"running":true'; then echo "@@SY:$n:needs-install@@"; exit 0; fi
if [ "$4" != - ]; then
  cur=$(cat "$5" 2>/dev/null | sha256sum); cur=\${cur%% *}
  if [ "$cur" != "$4" ]; then echo "@@SY:$n:conflict@@"; cat "$5" 2>/dev/null; exit 0; fi
fi
f=$(mktemp ${routerTempTemplates.config}) || exit 1
trap 'rm -f "$f"' EXIT
trap 'exit 129' HUP INT TERM PIPE
cat > "$f" || exit 1
got=$(sha256sum "$f"); got=\${got%% *}
if [ "$got" != "$7" ]; then echo "@@SY:$n:incomplete@@"; exit 0; fi
"$1" apply "$f" --revert-in "$3"; rc=$?
[ $rc -eq 0 ] || exit $rc
echo "@@SY:$n:status@@"
"$1" status 50
exit 0
`;

