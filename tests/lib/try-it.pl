#!/usr/bin/perl
# try-it.pl: runs one ```console block of the notes, as a learner would
# type it, and checks that the output is what the notes show.
#
#   $ COMMAND          a command (a leading "sudo " is dropped; "make ..."
#                      is skipped: the tests built everything already)
#   # CMD, / # CMD     typed at the prompt of a shell the command started:
#                      given to it as its stdin
#   anything else      the output expected, stdout and stderr together;
#                      <id> is 12 hex digits, <pid> a number, <time> a
#                      date and time, <name> adjective_name, <ms> the
#                      time --debug puts before a step ("  1.234 ms"),
#                      … any text, and a line that is only … any number
#                      of lines.
#
# All commands run in one bash session from the repository, as root, with
# ./run fixed to the stage, /var/lib/mydocker and /var/run/mydocker and
# /tmp/ moved into the test's own temp dir (and moved back in the output).
#
# usage: try-it.pl BLOCK-FILE   (environment: REPO STAGE T MYDOCKER_ROOT MYDOCKER_RUN)
use strict;
use warnings;

my ($repo, $t, $root, $run) = @ENV{qw(REPO T MYDOCKER_ROOT MYDOCKER_RUN)};
my $tmp = "$t/tmp";

open(my $in, '<', $ARGV[0]) or die "try-it: $ARGV[0]: $!\n";
my @steps;
for my $line (<$in>) {
	chomp $line;
	if ($line =~ /^\$ (.*)$/) {
		(my $cmd = $1) =~ s/^sudo //;
		push @steps, { cmd => $cmd, stdin => [], expect => [] };
	} elsif (@steps && $line =~ m{^(?:/ )?# (.*)$}) {
		push @{ $steps[-1]{stdin} }, $1;
	} elsif (@steps) {
		push @{ $steps[-1]{expect} }, $line;
	}
}
@steps = grep { $_->{cmd} !~ /^make / } @steps;

sub to_test { # a command as the test runs it
	my ($cmd) = @_;
	$cmd =~ s{(^|[\s'"=:])/tmp/}{$1$tmp/}g; # first: the paths below may be in /tmp
	$cmd =~ s{(^|[\s;&|(])\./run\b}{$1$repo/run}g;
	$cmd =~ s{/var/lib/mydocker}{$root}g;
	$cmd =~ s{/var/run/mydocker}{$run}g;
	return $cmd;
}

sub as_shown { # output as the notes show it
	my ($text) = @_;
	$text =~ s/\e\[[0-9;?]*[A-Za-z]//g; # terminal escapes (top)
	$text =~ s/\r//g;
	$text =~ s{\Q$root\E}{/var/lib/mydocker}g;
	$text =~ s{\Q$run\E}{/var/run/mydocker}g;
	$text =~ s{\Q$tmp\E/}{/tmp/}g;
	$text =~ s{\Q$repo\E/}{}g;
	return $text;
}

my $script = "$t/try-it.sh";
open(my $sh, '>', $script) or die;
# (the tests run as root: sudo within a command line does nothing)
print $sh "exec 2>&1\ncd '$repo'\nmkdir -p '$tmp'\nsudo() { \"\$@\"; }\n";
for my $i (0 .. $#steps) {
	my $s = $steps[$i];
	# the marker keeps $? for the next command, as a terminal would
	# { } gives the whole command line (a pipeline, say) its stdin
	print $sh "try_it_status=\$?; echo '\@\@step $i\@\@'; (exit \$try_it_status)\n{ ", to_test($s->{cmd}), "\n}";
	if (@{ $s->{stdin} }) {
		print $sh " <<'TRY_IT_STDIN'\n", join("\n", @{ $s->{stdin} }), "\nTRY_IT_STDIN\n";
	} else {
		print $sh " </dev/null\n";
	}
}
print $sh "wait\necho '\@\@end\@\@'\n";
close $sh;

my $output = as_shown(scalar `timeout -s KILL 180 bash '$script'`);
my @parts = split /^\@\@(?:step \d+|end)\@\@\n/m, $output, -1;
shift @parts;

my %placeholder = (
	'…' => '.*', '<id>' => '[0-9a-f]{12}', '<pid>' => '[0-9]+',
	'<time>' => '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', '<name>' => '[a-z]+_[a-z]+',
	'<ms>' => ' *\d+\.\d{3} ms', # --debug's time since the start
);

sub pattern { # the placeholders as patterns, everything else as itself
	my ($line) = @_;
	my $p = join '', map { $placeholder{$_} // quotemeta } split /(…|<id>|<pid>|<time>|<name>|<ms>)/, $line;
	return qr/^$p$/;
}

sub matches { # expected lines against actual lines, "…" lines spanning any
	my ($e, $ei, $a, $ai) = @_;
	return $ai == @$a if $ei == @$e;
	if ($e->[$ei] eq '…') {
		for my $skip ($ai .. scalar @$a) {
			return 1 if matches($e, $ei + 1, $a, $skip);
		}
		return 0;
	}
	return 0 if $ai == @$a || $a->[$ai] !~ pattern($e->[$ei]);
	return matches($e, $ei + 1, $a, $ai + 1);
}

# A shell in a container started with -t (ch04-defaults on) is on a pty of
# its own, as on a learner's terminal: the pty echoes what is typed, and
# sh greets and prompts. The notes show the typed lines as "/ # CMD" input
# and not as output: those echoes, prompts and the greeting are dropped.
sub without_terminal_echo {
	my ($typed, @lines) = @_;
	my %typed = map { $_ => 1 } @$typed;
	return grep {
		my $line = $_;
		(my $after_prompt = $line) =~ s{^/ # ?}{};
		!($typed{$line} || $typed{$after_prompt} || $line =~ m{^/ #$} || $line eq '' ||
		  $line =~ /^BusyBox v[0-9.]+ .* built-in shell/ || $line =~ /^Enter 'help' for a list of built-in commands\.$/)
	} @lines;
}

my $failed = 0;
for my $i (0 .. $#steps) {
	my @actual = map { s/\s+$//r } split /\n/, ($parts[$i] // '');
	@actual = without_terminal_echo($steps[$i]{stdin}, @actual) if @{ $steps[$i]{stdin} };
	my @expect = map { s/\s+$//r } @{ $steps[$i]{expect} };
	pop @expect while @expect && $expect[-1] eq '';
	next if matches(\@expect, 0, \@actual, 0);
	$failed = 1;
	print "\$ $steps[$i]{cmd}\n  expected:\n", map({ "    | $_\n" } @expect),
	      "  got:\n", map({ "    | $_\n" } @actual);
}
exit $failed;
