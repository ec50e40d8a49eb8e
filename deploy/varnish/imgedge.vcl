vcl 4.1;

# Varnish in front of imgedge (Varnish 7.1, Debian's `varnish`).
#
# imgedge answers `Vary: Accept` (and `Vary: Accept, User-Agent` when Accept names no image
# type). Browsers send dozens of different Accept strings, so keying on the raw header would
# keep one copy of each variant per string. This config rewrites Accept, before lookup and
# before it reaches imgedge, into one of at most eight canonical values that list only the
# formats that matter (`image/jxl,image/avif,image/webp,image/png` or a subset ending in
# `image/png`). Those values name an image type, so imgedge never consults User-Agent behind
# Varnish; for the clients whose Accept names none (curl, scripts, stripped proxies),
# `imgedge_accept_from_user_agent` infers the formats from User-Agent here instead, with the
# thresholds imgedge itself uses. The cache therefore keys on the URL and the canonical
# Accept, and imgedge's answer depends on nothing else but what its `Vary` adds: Save-Data
# (reduced here to "on" or nothing) and, for URLs that leave their size to client hints,
# Sec-CH-Width, Width, Sec-CH-DPR and DPR, which Varnish's own Vary handling keys on as sent.
# Varnish reads a header sent on several lines by its first line (`req.http.X`, and Vary
# matching alike), as imgedge reads a hint; `imgedge_single_line_hints` forwards that first line
# alone all the same (never `std.collect`, which would join them), so what imgedge sizes by is
# exactly what the cache keys on.
# imgedge's `X-Variant` header names the format each answer is in.

include "backend.vcl";

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        # POST /resize: every upload is its own answer.
        return (pass);
    }
    if (req.url ~ "^/(healthz|readyz|metrics|modules|_playground)(\?|$)") {
        return (pass);
    }
    # Images do not depend on cookies or credentials; without them the request is cacheable.
    unset req.http.Cookie;
    unset req.http.Authorization;
    call imgedge_canonical_accept;
    call imgedge_single_line_hints;
    if (req.http.Save-Data ~ "(?i)^\s*on\s*$") {
        set req.http.Save-Data = "on";
    } else {
        unset req.http.Save-Data;
    }
    return (hash);
}

# Keeps each client hint's first line and drops any further ones (setting a header replaces
# every line of it).
sub imgedge_single_line_hints {
    if (req.http.Sec-CH-Width) {
        set req.http.Sec-CH-Width = req.http.Sec-CH-Width;
    }
    if (req.http.Width) {
        set req.http.Width = req.http.Width;
    }
    if (req.http.Sec-CH-DPR) {
        set req.http.Sec-CH-DPR = req.http.Sec-CH-DPR;
    }
    if (req.http.DPR) {
        set req.http.DPR = req.http.DPR;
    }
}

# Rewrites req.http.Accept into the canonical list of the formats the client decodes.
sub imgedge_canonical_accept {
    if (req.http.Accept ~ "(?i)(^|[,\s])image/[a-z0-9.+-]+") {
        # The client said what it decodes: a format counts when named without q=0.
        set req.http.X-Imgedge-Formats = "";
        if (req.http.Accept ~ "(?i)(^|[,\s])image/jxl\s*(,|$|;(?!\s*q\s*=\s*0(\.0{0,3})?\s*(,|;|$)))") {
            set req.http.X-Imgedge-Formats = req.http.X-Imgedge-Formats + "image/jxl,";
        }
        if (req.http.Accept ~ "(?i)(^|[,\s])image/avif\s*(,|$|;(?!\s*q\s*=\s*0(\.0{0,3})?\s*(,|;|$)))") {
            set req.http.X-Imgedge-Formats = req.http.X-Imgedge-Formats + "image/avif,";
        }
        if (req.http.Accept ~ "(?i)(^|[,\s])image/webp\s*(,|$|;(?!\s*q\s*=\s*0(\.0{0,3})?\s*(,|;|$)))") {
            set req.http.X-Imgedge-Formats = req.http.X-Imgedge-Formats + "image/webp,";
        }
    } else {
        call imgedge_accept_from_user_agent;
    }
    set req.http.Accept = req.http.X-Imgedge-Formats + "image/png";
    unset req.http.X-Imgedge-Formats;
}

# The modern formats a browser decodes, judged from User-Agent, for clients whose Accept names
# no image type; the same table and order as imgedge's UserAgentSupport (a test checks the two
# agree). An agent it does not recognise gets no modern format; JPEG XL is never inferred.
sub imgedge_accept_from_user_agent {
    set req.http.X-Imgedge-Formats = "";
    if (req.http.Accept && req.http.Accept !~ "(^|[,\s])(\*/\*|image/\*)\s*(,|$|;(?!\s*q\s*=\s*0(\.0{0,3})?\s*(,|;|$)))") {
        # An Accept that rules images out (`text/html` alone, `image/*;q=0`) gets none.
    } else if (req.http.User-Agent ~ "CPU (iPhone )?OS \d") {
        # Every iOS browser is WebKit of the OS's version: WebP from 14, AVIF from 16.4.
        if (req.http.User-Agent ~ "CPU (iPhone )?OS ((1[7-9]|[2-9]\d|\d{3,})(\D|$)|16_([4-9]|\d{2,}))") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "CPU (iPhone )?OS 1[4-6](\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )Edge/\d") {
        if (req.http.User-Agent ~ "(^| )Edge/(1[89]|[2-9]\d|\d{3,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )EdgA?/\d") {
        if (req.http.User-Agent ~ "(^| )EdgA?/(12[1-9]|1[3-9]\d|[2-9]\d\d|\d{4,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "(^| )EdgA?/(79|[89]\d|\d{3,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )SamsungBrowser/\d") {
        if (req.http.User-Agent ~ "(^| )SamsungBrowser/(1[4-9]|[2-9]\d|\d{3,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "(^| )SamsungBrowser/([4-9]|1[0-3])(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )Chrome/\d") {
        if (req.http.User-Agent ~ "(^| )Chrome/(8[5-9]|9\d|\d{3,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "(^| )Chrome/(3[2-9]|[4-7]\d|8[0-4])(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )Firefox/\d") {
        if (req.http.User-Agent ~ "(^| )Firefox/(9[3-9]|\d{3,})(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "(^| )Firefox/(6[5-9]|[78]\d|9[0-2])(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    } else if (req.http.User-Agent ~ "(^| )Safari/" && req.http.User-Agent ~ "(^| )Version/\d") {
        if (req.http.User-Agent ~ "(^| )Version/((1[7-9]|[2-9]\d|\d{3,})(\D|$)|16\.([4-9]|\d{2,}))") {
            set req.http.X-Imgedge-Formats = "image/avif,image/webp,";
        } else if (req.http.User-Agent ~ "(^| )Version/(1[4-6])(\D|$)") {
            set req.http.X-Imgedge-Formats = "image/webp,";
        }
    }
}

sub vcl_backend_response {
    # imgedge's answers say how long they keep: a year and immutable for images, a minute for
    # a missing original, no-store for overload and errors of its own. Honour exactly that.
    if (beresp.http.Cache-Control ~ "no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 5s;
        return (deliver);
    }
}

sub vcl_deliver {
    # Whether this answer came from Varnish's cache (obj.hits counts the earlier deliveries).
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "HIT";
    } else {
        set resp.http.X-Varnish-Cache = "MISS";
    }
}
