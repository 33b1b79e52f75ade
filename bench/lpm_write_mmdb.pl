#!/usr/bin/perl
# Writes an .mmdb holding the prefixes of a pyasn IPASN file (plain or .gz), so that
# bench_lpm compares PrefixTable and libmaxminddb on the same ranges.
# Usage: lpm_write_mmdb.pl IPASN_FILE OUT.mmdb
# Debian: libmaxmind-db-writer-perl. remove_reserved_networks => 0 keeps every range
# (RouteViews tables do carry some), and prefixes go in least specific first because
# the writer lets a later insert overwrite everything under it.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($in, $out) = @ARGV;
die "usage: $0 IPASN_FILE OUT.mmdb\n" unless defined $out;
my $open = $in =~ /\.gz$/ ? "gzip -dc '$in' |" : "< $in";
open(my $fh, $open) or die "$in: $!\n";
my @rows;
while (my $line = <$fh>) {
  next if $line =~ /^;/;
  chomp $line;
  my ($prefix, $asn) = split /\t/, $line;
  next unless defined $asn && $prefix =~ m{^(\d+\.\d+\.\d+\.\d+)/(\d+)$};
  push @rows, [$prefix, $2, $asn + 0];
}
close $fh;
@rows = sort { $a->[1] <=> $b->[1] } @rows;

my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 4,
  record_size => 28,
  database_type => 'spamgraph-bench-pyasn',
  languages => ['en'],
  description => { en => "prefixes of $in" },
  remove_reserved_networks => 0,
  map_key_type_callback => sub { 'uint32' },
);
$tree->insert_network($_->[0], { autonomous_system_number => $_->[2] }) for @rows;
open(my $o, '>:raw', $out) or die "$out: $!\n";
$tree->write_tree($o);
close $o;
printf STDERR "lpm_write_mmdb: %d prefixes -> %s\n", scalar(@rows), $out;
