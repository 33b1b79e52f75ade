#!/usr/bin/perl
# SpamAssassin's reading of Received values, for tests/test_spamassassin_received.cpp.
#
# Reads standard input as bytes, one unfolded Received value per line (without the
# "Received:" name), and writes {"spamassassin":"<version>"}, then one JSON object
# per input line, in the same order:
#   {"status":"relay","ip":..,"rdns":..,"helo":..,"by":..,"envfrom":..,"ident":..,"auth":..,"id":..}
#   {"status":"skipped"}       parse_received_line returned 0: a line SpamAssassin ignores on purpose
#   {"status":"unparseable"}   it returned undef: a line it could not read
# Each value goes through SpamAssassin's own parser,
# Mail::SpamAssassin::Message::Metadata::parse_received_line (Debian package
# spamassassin, Message/Metadata/Received.pm), with a fresh parser state per line.
#
# The values are bytes, not text: the output is ASCII-only JSON whose every string
# holds code points U+0000..U+00FF, one per byte of what SpamAssassin returned
# (so "\u00e9" is the byte 0xE9, not UTF-8).
use strict;
use warnings;

use JSON::PP;
use Mail::SpamAssassin;
use Mail::SpamAssassin::Message::Metadata;
use Mail::SpamAssassin::Message::Metadata::Received;

binmode STDIN, ':raw';
binmode STDOUT, ':raw';

my $json = JSON::PP->new->ascii->canonical;
my @fields = qw(ip rdns helo by envfrom ident auth id);

print $json->encode({spamassassin => Mail::SpamAssassin::Version()}), "\n";

while (my $line = <STDIN>) {
  $line =~ s/\r?\n\z//;
  # parse_received_headers sets this before reading the first (newest) field and
  # keeps it while the relays are trusted; a fetchmail marker then restarts the
  # relay list, which matters only to whole-message parsing.
  my $meta = bless({allow_mailfetch_markers => 1}, 'Mail::SpamAssassin::Message::Metadata');
  my $relay = $meta->parse_received_line($line);
  my %out;
  if (!defined $relay) {
    $out{status} = 'unparseable';
  } elsif (!$relay) {
    $out{status} = 'skipped';
  } else {
    $out{status} = 'relay';
    for my $field (@fields) {
      my $value = $relay->{$field};
      $out{$field} = defined $value ? "$value" : undef;
    }
  }
  print $json->encode(\%out), "\n";
}
