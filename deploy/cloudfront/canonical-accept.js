// A CloudFront Function (runtime cloudfront-js-2.0, viewer request) that rewrites Accept into
// the canonical list deploy/varnish/imgedge.vcl makes: the modern formats the client names
// without q=0, in a fixed order, then image/png. Put Accept in the cache policy's headers:
// the key then holds at most eight values per URL, and imgedge answers from Accept alone.
// Clients whose Accept names no image type get image/png (JPEG or PNG); unlike the VCL this
// does not infer formats from User-Agent.
function handler(event) {
    var request = event.request;
    var accept = request.headers.accept ? request.headers.accept.value.toLowerCase() : '';
    var names = function (type) {
        var pattern = new RegExp('(^|[,\\s])image/' + type + '\\s*(,|$|;(?!\\s*q\\s*=\\s*0(\\.0{0,3})?\\s*(,|;|$)))');
        return pattern.test(accept);
    };
    var formats = ['jxl', 'avif', 'webp'].filter(names).map(function (type) { return 'image/' + type; });
    request.headers.accept = { value: formats.concat(['image/png']).join(',') };
    return request;
}
