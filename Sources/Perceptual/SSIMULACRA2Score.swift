#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SSIMULACRA2's last step: a weighted sum of the 108 pooled errors (6 scales × 3 channels × 3 maps × 2 norms),
/// mapped to a score of at most 100, where 90 is visually lossless at 1:1, 70 high quality, 50 medium and 30 low
/// (libjxl `ssimulacra2_main.cc`).
enum SSIMULACRA2Score {
    /// The score of the pooled errors, scale 1:1 first.
    ///
    /// The weights are taken in order channel, scale, norm, map, so an image too small for six scales takes
    /// the first weights of each channel's run and the rest of the run shifts onto the next channel. libjxl's
    /// `Msssim::Score` and the reference package index them the same way, and the score must match theirs.
    static func score(_ scales: [ScaleErrors]) -> Double {
        var total = 0.0
        var index = 0
        for channel in 0..<3 {
            for scale in scales {
                let errors = scale.channels[channel]
                for norm in 0..<2 {
                    total += weights[index] * abs(errors.structure[norm])
                    total += weights[index + 1] * abs(errors.artifact[norm])
                    total += weights[index + 2] * abs(errors.detailLost[norm])
                    index += 3
                }
            }
        }
        total *= 0.9562382616834844
        total = 2.326765642916932 * total - 0.020884521182843837 * total * total + 6.248496625763138e-05 * total * total * total
        return total > 0 ? 100 - 10 * pow(total, 0.6276336467831387) : 100
    }

    /// The weights of libjxl's `Msssim::Score` since its April 2023 retuning (Nelder–Mead search against the
    /// CID22, TID2013, KADID-10k and KonFiG-IQA subjective scores), which the reference package copies.
    private static let weights: [Double] = [
        0.0, 0.0007376606707406586, 0.0, 0.0, 0.0007793481682867309, 0.0,
        0.0, 0.0004371155730107379, 0.0, 1.1041726426657346, 0.00066284834129271, 0.00015231632783718752,
        0.0, 0.0016406437456599754, 0.0, 1.8422455520539298, 11.441172603757666, 0.0,
        0.0007989109436015163, 0.000176816438078653, 0.0, 1.8787594979546387, 10.94906990605142, 0.0,
        0.0007289346991508072, 0.9677937080626833, 0.0, 0.00014003424285435884, 0.9981766977854967, 0.00031949755934435053,
        0.0004550992113792063, 0.0, 0.0, 0.0013648766163243398, 0.0, 0.0,
        0.0, 0.0, 0.0, 7.466890328078848, 0.0, 17.445833984131262,
        0.0006235601634041466, 0.0, 0.0, 6.683678146179332, 0.00037724407979611296, 1.027889937768264,
        225.20515300849274, 0.0, 0.0, 19.213238186143016, 0.0011401524586618361, 0.001237755635509985,
        176.39317598450694, 0.0, 0.0, 24.43300999870476, 0.28520802612117757, 0.0004485436923833408,
        0.0, 0.0, 0.0, 34.77906344483772, 44.835625328877896, 0.0,
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        0.0, 0.0008680556573291698, 0.0, 0.0, 0.0, 0.0,
        0.0, 0.0005313191874358747, 0.0, 0.00016533814161379112, 0.0, 0.0,
        0.0, 0.0, 0.0, 0.0004179171803251336, 0.0017290828234722833, 0.0,
        0.0020827005846636437, 0.0, 0.0, 8.826982764996862, 23.19243343998926, 0.0,
        95.1080498811086, 0.9863978034400682, 0.9834382792465353, 0.0012286405048278493, 171.2667255897307, 0.9807858872435379,
        0.0, 0.0, 0.0, 0.0005130064588990679, 0.0, 0.00010854057858411537,
    ]
}
