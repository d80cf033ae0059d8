# CFunctions.pm: the functions a C file of the course defines, found the
# way the course writes them: the return type and the name at column 0,
# the signature's last line ending in ')', '{' alone on the next line,
# and '}' at column 0 closing the body. tools/lab-stubs and tools/lab-parts
# read the sources with it.
package CFunctions;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(c_functions read_lines);

# The lines of a file; () if it cannot be read.
sub read_lines {
	my ($file) = @_;
	open(my $in, '<', $file) or return ();
	my @lines = <$in>;
	close $in;
	return @lines;
}

# The first sentence of the comment just above line $i, on one line; ''
# if there is none.
sub summary {
	my ($lines, $i) = @_;
	return '' unless $i > 0 && $lines->[$i - 1] =~ m{\*/\s*$};
	my $top = $i - 1;
	$top-- while $top > 0 && $lines->[$top] !~ m{^/\*};
	my $text = join(' ', @$lines[$top .. $i - 1]);
	$text =~ s{/\*|\*/}{}g;
	$text =~ s{^\s*\*\s}{ }mg;
	$text =~ s/\s+/ /g;
	$text =~ s/^ | $//g;
	$text = $1 if $text =~ /^(.*?[.?!])(?: |$)/;
	return $text;
}

# The functions of a file's lines, in order: { name, first (line), end (the
# closing brace's line), signature, text (signature and body), summary }.
sub c_functions {
	my (@lines) = @_;
	my @found;
	for (my $i = 0; $i < @lines; $i++) {
		next unless $lines[$i] =~ /^[A-Za-z_][^(]*?\b(\w+)\(/ && $lines[$i] !~ /;\s*$/ &&
			$lines[$i] !~ /^(typedef|struct \w+ \{|#)/;
		my ($name, $j) = ($1, $i);
		$j++ while $lines[$j] !~ /\)\s*$/ && $j + 1 < @lines && $lines[$j] !~ /\{\s*$/;
		next unless $j + 1 < @lines && $lines[$j + 1] =~ /^\{\s*$/;
		my $end = $j + 2;
		$end++ while $end < @lines && $lines[$end] !~ /^\}/;
		push @found, { name => $name, first => $i, end => $end, signature => join('', @lines[$i .. $j]),
			       text => join('', @lines[$i .. $end]), summary => summary(\@lines, $i) };
		$i = $end;
	}
	return @found;
}

1;
