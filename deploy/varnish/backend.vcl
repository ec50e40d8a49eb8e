# Where Varnish finds imgedge: the one file of this directory a site edits (the tests write
# their own copy with the ports they chose). imgedge.vcl includes it.
backend imgedge {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 1s;
    # A miss may take seconds (a large original, a slow origin); imgedge's own limits end it.
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
    # /readyz turns 503 as soon as imgedge starts draining, so Varnish stops sending it work.
    .probe = {
        .url = "/readyz";
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}
