//! `vignette compare` through the library and the real binary: every
//! statistic equal to scipy, numpy and statsmodels to 1e-9 on a fixture
//! with unequal group sizes, unpaired groups and a missing phase; bootstrap
//! determinism (seed, thread count); warnings; the JSON contract; bad input.

use std::path::PathBuf;

use serde_json::Value;
use vignette::compare::dataset;
use vignette::compare::{self, Request};

use crate::common::{Db, Output, Vignette, fixture_bank, repo, vignette};

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/compare/scores.csv")
}

fn scores() -> Vec<dataset::GroupScore> {
    let bytes = std::fs::read(fixture()).unwrap();
    vignette::input::read_scores_csv("scores.csv", &bytes).expect("valid fixture")
}

/// The request behind the reference values: endpoint, change from baseline,
/// sites as clusters.
fn reference_request(boot: usize) -> Request {
    Request {
        phase: Some("endpoint".into()),
        change: Some(("baseline".into(), "endpoint".into())),
        cluster: Some("site".into()),
        boot,
        ..Request::default()
    }
}

struct CellRef {
    offering: &'static str,
    dimension: &'static str,
    n: usize,
    mean: f64,
    sd: f64,
    median: f64,
    ci95_t: [f64; 2],
}

struct PairRef {
    a: &'static str,
    b: &'static str,
    dimension: &'static str,
    n_a: usize,
    n_b: usize,
    diff: f64,
    diff_ci95: [f64; 2],
    hedges_g: f64,
    hedges_g_ci95: [f64; 2],
    welch_t: f64,
    welch_df: f64,
    p: f64,
    p_holm: f64,
    /// Sites as clusters.
    cr2: Cr2Ref,
}

/// The difference tested with sites as clusters: CR2 standard error,
/// Bell–McCaffrey df (tests/reference/cluster_reference.py).
struct Cr2Ref {
    se: f64,
    t: f64,
    df: f64,
    p: f64,
    ci95: [f64; 2],
    hedges_g_ci95: [f64; 2],
    p_holm: f64,
}

struct ChangeRef {
    offering: &'static str,
    dimension: &'static str,
    n_pairs: usize,
    unpaired: usize,
    mean_change: f64,
    ci95: [f64; 2],
    dz: f64,
    paired_t: f64,
    p: f64,
}

struct IccRef {
    dimension: &'static str,
    clusters: usize,
    mean_cluster_size: f64,
    icc: f64,
    design_effect: f64,
}

// Printed by `tests/reference/compare_reference.py` with Python 3.11.7,
// scipy 1.17.1, numpy 2.4.6, statsmodels 0.15.0 and pandas 3.1.1:
//
//     python3 -m venv --system-site-packages /tmp/ref
//     /tmp/ref/bin/pip install scipy numpy statsmodels pandas
//     /tmp/ref/bin/python tests/reference/compare_reference.py tests/fixtures/compare/scores.csv
//
// Cells and pairwise at phase endpoint (Welch: `scipy.stats.ttest_ind(equal_var=False)`
// and its `confidence_interval()`;
// t interval: `scipy.stats.t.ppf`; mean/sd(ddof=1)/median: numpy; Hedges' g by hand
// in numpy; Holm: `statsmodels.stats.multitest.multipletests(method="holm")`),
// change baseline → endpoint (`scipy.stats.ttest_rel` and its `confidence_interval()`), ICC(1) with sites as
// clusters from statsmodels' `anova_lm` mean squares; `cr2`: the pairwise and change
// differences with sites as clusters, from the general matrix formulas in numpy
// (`tests/reference/cluster_reference.py`), Holm over their p per dimension.

const GROUPS: [CellRef; 9] = [
    CellRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "prevention",
        n: 9,
        mean: 66.83333333333333,
        sd: 14.413535305399574,
        median: 64.75,
        ci95_t: [55.75410932761244, 77.91255733905422],
    },
    CellRef {
        offering: "nettbasert",
        dimension: "prevention",
        n: 11,
        mean: 46.90909090909091,
        sd: 9.70133542822374,
        median: 52.5,
        ci95_t: [40.391645086869964, 53.42653673131185],
    },
    CellRef {
        offering: "samlingsbasert",
        dimension: "prevention",
        n: 6,
        mean: 58.083333333333336,
        sd: 9.953223933312596,
        median: 57.625,
        ci95_t: [47.6380654058494, 68.52860126081727],
    },
    CellRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "detection",
        n: 9,
        mean: 58.388888888888886,
        sd: 10.178954323068314,
        median: 57.0,
        ci95_t: [50.56465196853893, 66.21312580923883],
    },
    CellRef {
        offering: "nettbasert",
        dimension: "detection",
        n: 11,
        mean: 48.02272727272727,
        sd: 11.379507099087457,
        median: 50.0,
        ci95_t: [40.37787038157035, 55.6675841638842],
    },
    CellRef {
        offering: "samlingsbasert",
        dimension: "detection",
        n: 6,
        mean: 61.25,
        sd: 13.607902116050072,
        median: 57.125,
        ci95_t: [46.96938253520107, 75.53061746479892],
    },
    CellRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "handling",
        n: 9,
        mean: 67.86111111111111,
        sd: 12.19189735484642,
        median: 76.25,
        ci95_t: [58.48958920569092, 77.23263301653131],
    },
    CellRef {
        offering: "nettbasert",
        dimension: "handling",
        n: 11,
        mean: 51.40909090909091,
        sd: 7.222597115367096,
        median: 51.75,
        ci95_t: [46.556884144011235, 56.26129767417058],
    },
    CellRef {
        offering: "samlingsbasert",
        dimension: "handling",
        n: 6,
        mean: 67.20833333333333,
        sd: 9.291685351251767,
        median: 67.5,
        ci95_t: [57.457307571030285, 76.95935909563637],
    },
];

const PAIRWISE: [PairRef; 9] = [
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "prevention",
        n_a: 9,
        n_b: 11,
        diff: 19.924242424242422,
        diff_ci95: [7.821611760932383, 32.02687308755246],
        hedges_g: 1.5867857018884715,
        hedges_g_ci95: [0.6102279227610982, 2.5633434810158446],
        welch_t: 3.5421603063224856,
        welch_df: 13.541287214443926,
        p: 0.0034067789022365993,
        p_holm: 0.010220336706709798,
        cr2: Cr2Ref {
            se: 6.463264473944365,
            t: 3.082690257309424,
            df: 4.426877470355731,
            p: 0.03217900476411264,
            ci95: [2.641605200870721, 37.20687964761411],
            hedges_g_ci95: [0.2103799619339988, 2.9631914418429433],
            p_holm: 0.09653701429233791,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "prevention",
        n_a: 9,
        n_b: 6,
        diff: 8.749999999999993,
        diff_ci95: [-4.85005670550839, 22.350056705508376],
        hedges_g: 0.6392815394933681,
        hedges_g_ci95: [-0.35949638454495125, 1.6380594635316874],
        welch_t: 1.3905638217601157,
        welch_df: 12.942630503979373,
        p: 0.18780618905728322,
        p_holm: 0.18780618905728322,
        cr2: Cr2Ref {
            se: 10.133255664907026,
            t: 0.8634934604781124,
            df: 2.2727272727272734,
            p: 0.469296142814529,
            ci95: [-30.20067275005302, 47.70067275005303],
            hedges_g_ci95: [-2.206483722215922, 3.48504680120266],
            p_holm: 0.6095522115193944,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "prevention",
        n_a: 11,
        n_b: 6,
        diff: -11.17424242424243,
        diff_ci95: [-22.306049365318763, -0.042435483166093135],
        hedges_g: -1.0837972981939625,
        hedges_g_ci95: [-2.0957825476492955, -0.07181204873862979],
        welch_t: -2.231855215306477,
        welch_df: 10.160421272262138,
        p: 0.04928278282374893,
        p_holm: 0.09856556564749785,
        cr2: Cr2Ref {
            se: 8.352931990944048,
            t: -1.3377628880921277,
            df: 2.1523820782598415,
            p: 0.3047761057596972,
            ci95: [-44.78251513817222, 22.43403028968735],
            hedges_g_ci95: [-4.343486302729984, 2.1758917063420573],
            p_holm: 0.6095522115193944,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "detection",
        n_a: 9,
        n_b: 11,
        diff: 10.366161616161612,
        diff_ci95: [0.2210234399088744, 20.51129979241435],
        hedges_g: 0.913999307441373,
        hedges_g_ci95: [0.024008128782700644, 1.8039904861000453],
        welch_t: 2.1482506629236147,
        welch_df: 17.819737168193782,
        p: 0.04569912086373018,
        p_holm: 0.13709736259119054,
        cr2: Cr2Ref {
            se: 4.962281814573083,
            t: 2.0889909125512736,
            df: 4.426877470355731,
            p: 0.09824057414666824,
            ci95: [-2.902878626139234, 23.635201858462462],
            hedges_g_ci95: [-0.25595096354093533, 2.0839495784236814],
            p_holm: 0.2947217224400047,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "detection",
        n_a: 9,
        n_b: 6,
        diff: -2.8611111111111143,
        diff_ci95: [-17.672240958142726, 11.950018735920498],
        hedges_g: -0.23177581512518242,
        hedges_g_ci95: [-1.2075345408770037, 0.7439829106266389],
        welch_t: -0.43952204133706047,
        welch_df: 8.671783390481842,
        p: 0.6710318133334936,
        p_holm: 0.6710318133334936,
        cr2: Cr2Ref {
            se: 7.848733876033134,
            t: -0.36453154818355893,
            df: 2.2727272727272734,
            p: 0.7466314948882797,
            ci95: [-33.030434260269686, 27.308212038047476],
            hedges_g_ci95: [-2.675763200835524, 2.2122115705851604],
            p_holm: 0.7466314948882797,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "detection",
        n_a: 11,
        n_b: 6,
        diff: -13.227272727272727,
        diff_ci95: [-28.024748369450343, 1.5702029149048897],
        hedges_g: -1.0318024671791968,
        hedges_g_ci95: [-2.037628429999816, -0.025976504358577568],
        welch_t: -2.0257655155445646,
        welch_df: 8.894774641414175,
        p: 0.07380644351011063,
        p_holm: 0.14761288702022127,
        cr2: Cr2Ref {
            se: 8.401022134598158,
            t: -1.5744837372584106,
            df: 2.1523820782598415,
            p: 0.24735932814688694,
            ci95: [-47.02903757839837, 20.574492123852902],
            hedges_g_ci95: [-3.668532281972512, 1.6049273476141175],
            p_holm: 0.4947186562937739,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "handling",
        n_a: 9,
        n_b: 11,
        diff: 16.452020202020208,
        diff_ci95: [6.444985413726743, 26.459054990313675],
        hedges_g: 1.6162431091869636,
        hedges_g_ci95: [0.6350568792567282, 2.597429339117199],
        welch_t: 3.5682581204791086,
        welch_df: 12.433716358328812,
        p: 0.0036661423952750356,
        p_holm: 0.010998427185825107,
        cr2: Cr2Ref {
            se: 5.130363910116579,
            t: 3.2067939994623793,
            df: 4.426877470355731,
            p: 0.028300144133550288,
            ci95: [2.7335318684749, 30.170508535565496],
            hedges_g_ci95: [0.26854161324352205, 2.963944605130403],
            p_holm: 0.08490043240065087,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "handling",
        n_a: 9,
        n_b: 6,
        diff: 0.6527777777777857,
        diff_ci95: [-11.391124579823872, 12.696680135379443],
        hedges_g: 0.05502261731447024,
        hedges_g_ci95: [-0.9174042337693626, 1.027449468398303],
        welch_t: 0.11742230681376457,
        welch_df: 12.649529370384693,
        p: 0.908369334063605,
        p_holm: 0.908369334063605,
        cr2: Cr2Ref {
            se: 8.09050130830921,
            t: 0.08068446600550759,
            df: 2.2727272727272734,
            p: 0.9422467054180651,
            ci95: [-30.44586211297042, 31.751417668526],
            hedges_g_ci95: [-2.566280711261228, 2.676325945890169],
            p_holm: 0.9422467054180651,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "handling",
        n_a: 11,
        n_b: 6,
        diff: -15.799242424242422,
        diff_ci95: [-25.805867621155706, -5.7926172273291385],
        hedges_g: -1.8810263164167487,
        hedges_g_ci95: [-3.0173221534738515, -0.7447304793596459],
        welch_t: -3.6121078883521545,
        welch_df: 8.383555586282567,
        p: 0.006343977258045971,
        p_holm: 0.012687954516091941,
        cr2: Cr2Ref {
            se: 7.748197294813967,
            t: -2.0390862316860736,
            df: 2.1523820782598415,
            p: 0.1691849956048097,
            ci95: [-46.97434692739907, 15.375862078914183],
            hedges_g_ci95: [-5.59267212909829, 1.8306194962647873],
            p_holm: 0.3383699912096194,
        },
    },
];

const CHANGE_PAIRWISE: [PairRef; 9] = [
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "prevention",
        n_a: 8,
        n_b: 10,
        diff: 11.1625,
        diff_ci95: [3.9059749255853706, 18.419025074414627],
        hedges_g: 1.5792674095063564,
        hedges_g_ci95: [0.5545196125840446, 2.6040152064286683],
        welch_t: 3.351861267936405,
        welch_df: 11.991700066258137,
        p: 0.00576542282172182,
        p_holm: 0.01729626846516546,
        cr2: Cr2Ref {
            se: 2.202259729611079,
            t: 5.068657365846357,
            df: 4.2631578947368425,
            p: 0.006015755946272466,
            ci95: [5.194061666047352, 17.13093833395265],
            hedges_g_ci95: [0.7348544064640422, 2.423680412548671],
            p_holm: 0.018047267838817396,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "prevention",
        n_a: 8,
        n_b: 5,
        diff: 9.6375,
        diff_ci95: [1.599041889637391, 17.675958110362608],
        hedges_g: 1.2614035605856833,
        hedges_g_ci95: [0.11448001151204257, 2.408327109659324],
        welch_t: 2.6403689326172883,
        welch_df: 10.94715117086751,
        p: 0.02306114760487473,
        p_holm: 0.04612229520974946,
        cr2: Cr2Ref {
            se: 3.7799980709871606,
            t: 2.5496044757195153,
            df: 2.1948051948051943,
            p: 0.11453665182152924,
            ci95: [-5.318565221972966, 24.593565221972966],
            hedges_g_ci95: [-0.6961200631080554, 3.2189271842794223],
            p_holm: 0.22907330364305847,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "prevention",
        n_a: 10,
        n_b: 5,
        diff: -1.525,
        diff_ci95: [-8.098673008264702, 5.0486730082647036],
        hedges_g: -0.26513116486749827,
        hedges_g_ci95: [-1.2799442209693408, 0.7496818912343441],
        welch_t: -0.5278248383121719,
        welch_df: 8.67254329182371,
        p: 0.6108567203117659,
        p_holm: 0.6108567203117659,
        cr2: Cr2Ref {
            se: 3.3711861166855384,
            t: -0.4523630399556046,
            df: 2.057142857142858,
            p: 0.6942478377804654,
            ci95: [-15.650690233700534, 12.600690233700533],
            hedges_g_ci95: [-2.7209742509123944, 2.1907119211773978],
            p_holm: 0.6942478377804654,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "detection",
        n_a: 8,
        n_b: 10,
        diff: 7.99375,
        diff_ci95: [-1.3120960262563948, 17.299596026256395],
        hedges_g: 0.7918014488085859,
        hedges_g_ci95: [-0.1306253562232711, 1.714228253840443],
        welch_t: 1.8226404386044421,
        welch_df: 15.825280044943636,
        p: 0.08730716203999389,
        p_holm: 0.2619214861199817,
        cr2: Cr2Ref {
            se: 4.1625907147272265,
            t: 1.920378568980647,
            df: 4.2631578947368425,
            p: 0.12281187454646102,
            ci95: [-3.2874652246551053, 19.274965224655105],
            hedges_g_ci95: [-0.32563186586892956, 1.9092347634861013],
            p_holm: 0.2502355767642438,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "detection",
        n_a: 8,
        n_b: 5,
        diff: -0.3562499999999993,
        diff_ci95: [-10.227344421571772, 9.514844421571773],
        hedges_g: -0.043297138391993506,
        hedges_g_ci95: [-1.0828270052710787, 0.9962327284870915],
        welch_t: -0.08199343917942556,
        welch_df: 8.75358237406302,
        p: 0.9364960728688305,
        p_holm: 0.9364960728688305,
        cr2: Cr2Ref {
            se: 3.2683337051674095,
            t: -0.10900049754306014,
            df: 2.1948051948051943,
            p: 0.9223614339624392,
            ci95: [-13.287847091765387, 12.575347091765385],
            hedges_g_ci95: [-1.614949486214219, 1.5283552094302317],
            p_holm: 0.9223614339624392,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "detection",
        n_a: 10,
        n_b: 5,
        diff: -8.35,
        diff_ci95: [-18.94747783318602, 2.2474778331860215],
        hedges_g: -0.78790775785354,
        hedges_g_ci95: [-1.836877172675781, 0.2610616569687013],
        welch_t: -1.730314477512582,
        welch_df: 11.206619970971275,
        p: 0.11098149133576256,
        p_holm: 0.2619214861199817,
        cr2: Cr2Ref {
            se: 2.6296684676970212,
            t: -3.1753052153044443,
            df: 2.057142857142858,
            p: 0.0834118589214146,
            ci95: [-19.36863881325511, 2.668638813255116],
            hedges_g_ci95: [-1.8276288359313633, 0.2518133202242839],
            p_holm: 0.2502355767642438,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "nettbasert",
        dimension: "handling",
        n_a: 8,
        n_b: 10,
        diff: 10.05625,
        diff_ci95: [-1.0098599696534727, 21.122359969653473],
        hedges_g: 0.8727050338654541,
        hedges_g_ci95: [-0.05747821980934875, 1.8028882875402568],
        welch_t: 1.934496030498543,
        welch_df: 15.220747967656319,
        p: 0.07186274907162281,
        p_holm: 0.2155882472148684,
        cr2: Cr2Ref {
            se: 4.750666071720889,
            t: 2.116808432371507,
            df: 4.2631578947368425,
            p: 0.09743840720536265,
            ci95: [-2.81873341500099, 22.93123341500099],
            hedges_g_ci95: [-0.2446163172550529, 1.9900263849859607],
            p_holm: 0.2923152216160879,
        },
    },
    PairRef {
        a: "laeringsmiljoprosjektet",
        b: "samlingsbasert",
        dimension: "handling",
        n_a: 8,
        n_b: 5,
        diff: 1.8812499999999996,
        diff_ci95: [-9.383484417353486, 13.145984417353485],
        hedges_g: 0.1785870924387501,
        hedges_g_ci95: [-0.8630738699701908, 1.2202480548476908],
        welch_t: 0.3684327230018825,
        welch_df: 10.793335736780891,
        p: 0.7196747128073643,
        p_holm: 0.7196747128073643,
        cr2: Cr2Ref {
            se: 4.552875121832354,
            t: 0.41320043920793276,
            df: 2.1948051948051943,
            p: 0.7163704451545242,
            ci95: [-16.13280608967415, 19.895306089674147],
            hedges_g_ci95: [-1.5314875388348537, 1.8886617237123535],
            p_holm: 0.7163704451545242,
        },
    },
    PairRef {
        a: "nettbasert",
        b: "samlingsbasert",
        dimension: "handling",
        n_a: 10,
        n_b: 5,
        diff: -8.175,
        diff_ci95: [-18.771162845071036, 2.4211628450710343],
        hedges_g: -0.7637396622192529,
        hedges_g_ci95: [-1.8104177231311986, 0.28293839869269277],
        welch_t: -1.6905678917711306,
        welch_df: 11.415172186067553,
        p: 0.11801268554535774,
        p_holm: 0.23602537109071547,
        cr2: Cr2Ref {
            se: 4.84158957196222,
            t: -1.688495044549346,
            df: 2.057142857142858,
            p: 0.22991197849255784,
            ci95: [-28.461864078419108, 12.111864078419114],
            hedges_g_ci95: [-2.659015835765394, 1.1315365113268887],
            p_holm: 0.4598239569851157,
        },
    },
];

const CHANGE: [ChangeRef; 9] = [
    ChangeRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "prevention",
        n_pairs: 8,
        unpaired: 2,
        mean_change: 14.1875,
        ci95: [7.485584136763342, 20.889415863236657],
        dz: 1.7697994226822913,
        paired_t: 5.005748692474741,
        p: 0.0015551788389523448,
    },
    ChangeRef {
        offering: "nettbasert",
        dimension: "prevention",
        n_pairs: 10,
        unpaired: 2,
        mean_change: 3.025,
        ci95: [-0.9305869821878097, 6.980586982187809],
        dz: 0.5470628380327998,
        paired_t: 1.729964591419435,
        p: 0.11769158994999397,
    },
    ChangeRef {
        offering: "samlingsbasert",
        dimension: "prevention",
        n_pairs: 5,
        unpaired: 2,
        mean_change: 4.55,
        ci95: [-1.8358237419549255, 10.935823741954925],
        dz: 0.8847051563151341,
        paired_t: 1.978260869565217,
        p: 0.11903826970381619,
    },
    ChangeRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "detection",
        n_pairs: 8,
        unpaired: 2,
        mean_change: 14.09375,
        ci95: [7.655712774078482, 20.53178722592152],
        dz: 1.8301649168442347,
        paired_t: 5.176488093561088,
        p: 0.0012858543880320049,
    },
    ChangeRef {
        offering: "nettbasert",
        dimension: "detection",
        n_pairs: 10,
        unpaired: 2,
        mean_change: 6.1,
        ci95: [-1.678170082526342, 13.878170082526342],
        dz: 0.5610159047851184,
        paired_t: 1.7740880627011304,
        p: 0.10979609815511432,
    },
    ChangeRef {
        offering: "samlingsbasert",
        dimension: "detection",
        n_pairs: 5,
        unpaired: 2,
        mean_change: 14.45,
        ci95: [5.0489552338446515, 23.851044766155347],
        dz: 1.9085160447950906,
        paired_t: 4.2675716123108565,
        p: 0.01297517029949291,
    },
    ChangeRef {
        offering: "laeringsmiljoprosjektet",
        dimension: "handling",
        n_pairs: 8,
        unpaired: 2,
        mean_change: 13.78125,
        ci95: [4.667199364209077, 22.895300635790925],
        dz: 1.2641375154275323,
        paired_t: 3.5755208380444876,
        p: 0.009030036730046397,
    },
    ChangeRef {
        offering: "nettbasert",
        dimension: "handling",
        n_pairs: 10,
        unpaired: 2,
        mean_change: 3.725,
        ci95: [-4.165776337100835, 11.615776337100836],
        dz: 0.3376986447089907,
        paired_t: 1.0678968800323798,
        p: 0.3133726225619096,
    },
    ChangeRef {
        offering: "samlingsbasert",
        dimension: "handling",
        n_pairs: 5,
        unpaired: 2,
        mean_change: 11.9,
        ci95: [2.6014992257358838, 21.19850077426412],
        dz: 1.589052035089404,
        paired_t: 3.5532283702442884,
        p: 0.02372971775864289,
    },
];

const ICC: [IccRef; 3] = [
    IccRef {
        dimension: "prevention",
        clusters: 9,
        mean_cluster_size: 2.888888888888889,
        icc: 0.4734311330291658,
        design_effect: 1.8942588068328687,
    },
    IccRef {
        dimension: "detection",
        clusters: 9,
        mean_cluster_size: 2.888888888888889,
        icc: 0.2641988481416003,
        design_effect: 1.4990422687119116,
    },
    IccRef {
        dimension: "handling",
        clusters: 9,
        mean_cluster_size: 2.888888888888889,
        icc: 0.5168635698530359,
        design_effect: 1.9762978541668457,
    },
];

fn close(place: &str, got: &Value, expected: f64) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{place}: {got} is not a number"));
    assert!(
        (got - expected).abs() <= 1e-9,
        "{place}: {got} ≠ {expected}"
    );
}

fn close_pair(place: &str, got: &Value, expected: [f64; 2]) {
    close(&format!("{place}[0]"), &got[0], expected[0]);
    close(&format!("{place}[1]"), &got[1], expected[1]);
}

/// The one item of `list` whose fields equal `keys`.
fn find<'a>(list: &'a Value, keys: &[(&str, &str)]) -> &'a Value {
    let found: Vec<&Value> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter(|item| keys.iter().all(|(k, v)| item[k] == *v))
        .collect();
    assert_eq!(found.len(), 1, "{keys:?} in {list}");
    found[0]
}

/// The pairwise rows against the references: Welch's t and df always, the
/// interval, t, df and p of the method (`cr2` when `clustered`, else Welch).
fn check_pairs(list: &Value, references: &[PairRef], clustered: bool) {
    assert_eq!(list.as_array().unwrap().len(), references.len());
    for r in references {
        let p = find(list, &[("a", r.a), ("b", r.b), ("dimension", r.dimension)]);
        let place = format!("{} − {} on {}", r.a, r.b, r.dimension);
        assert_eq!(
            (p["n_a"].as_u64(), p["n_b"].as_u64()),
            (Some(r.n_a as u64), Some(r.n_b as u64)),
            "{place}"
        );
        close(&format!("{place} diff"), &p["diff"], r.diff);
        let (method, ci, t, df, pv, holm) = if clustered {
            let c = &r.cr2;
            ("cr2", c.ci95, c.t, c.df, c.p, c.p_holm)
        } else {
            ("welch", r.diff_ci95, r.welch_t, r.welch_df, r.p, r.p_holm)
        };
        assert_eq!(p["method"], method, "{place}");
        close_pair(&format!("{place} diff ci"), &p["diff_ci95"], ci);
        close(&format!("{place} method t"), &p["t"], t);
        close(&format!("{place} method df"), &p["df"], df);
        if clustered {
            close(&format!("{place} se"), &p["se"], r.cr2.se);
            assert_eq!(p["level"], "site", "{place}");
        }
        close(&format!("{place} g"), &p["hedges_g"], r.hedges_g);
        let g_ci = if clustered {
            r.cr2.hedges_g_ci95
        } else {
            r.hedges_g_ci95
        };
        close_pair(&format!("{place} g ci"), &p["hedges_g_ci95"], g_ci);
        close(&format!("{place} t"), &p["welch_t"], r.welch_t);
        close(&format!("{place} df"), &p["welch_df"], r.welch_df);
        close(&format!("{place} p"), &p["p"], pv);
        close(&format!("{place} p_holm"), &p["p_holm"], holm);
    }
}

/// Every reference value in a comparison's JSON.
fn check_reference(json: &Value) {
    let groups = &json["groups"];
    assert_eq!(groups.as_array().unwrap().len(), GROUPS.len());
    for r in &GROUPS {
        let cell = find(
            groups,
            &[("offering", r.offering), ("dimension", r.dimension)],
        );
        let place = format!("{} on {}", r.offering, r.dimension);
        assert_eq!(cell["n"].as_u64(), Some(r.n as u64), "{place}");
        close(&format!("{place} mean"), &cell["mean"], r.mean);
        close(&format!("{place} sd"), &cell["sd"], r.sd);
        close(&format!("{place} median"), &cell["median"], r.median);
        close_pair(&format!("{place} ci95_t"), &cell["ci95_t"], r.ci95_t);
    }
    check_pairs(&json["pairwise"], &PAIRWISE, true);
    check_pairs(&json["change_pairwise"], &CHANGE_PAIRWISE, true);
    for r in &CHANGE {
        let c = find(
            &json["change"],
            &[("offering", r.offering), ("dimension", r.dimension)],
        );
        let place = format!("change of {} on {}", r.offering, r.dimension);
        assert_eq!(c["n_pairs"].as_u64(), Some(r.n_pairs as u64), "{place}");
        assert_eq!(c["unpaired"].as_u64(), Some(r.unpaired as u64), "{place}");
        close(&format!("{place} mean"), &c["mean_change"], r.mean_change);
        close_pair(&format!("{place} ci95"), &c["ci95"], r.ci95);
        close(&format!("{place} dz"), &c["dz"], r.dz);
        close(&format!("{place} t"), &c["paired_t"], r.paired_t);
        close(&format!("{place} p"), &c["p"], r.p);
    }
    for r in &ICC {
        let c = find(&json["clustering"], &[("dimension", r.dimension)]);
        assert_eq!(c["clusters"].as_u64(), Some(r.clusters as u64));
        close(
            "mean cluster size",
            &c["mean_cluster_size"],
            r.mean_cluster_size,
        );
        close(&format!("icc {}", r.dimension), &c["icc"], r.icc);
        close(
            &format!("design effect {}", r.dimension),
            &c["design_effect"],
            r.design_effect,
        );
    }
}

#[test]
fn the_library_matches_scipy_numpy_and_statsmodels() {
    let result = compare::compare(&scores(), &reference_request(200)).unwrap();
    check_reference(&serde_json::to_value(&result).unwrap());
}

/// `vignette compare --scores FIXTURE ARGS --format json`, parsed.
fn json_of(args: &[&str]) -> Value {
    let path = fixture();
    let mut all = vec!["compare", "--scores", path.to_str().unwrap()];
    all.extend(args);
    all.extend(["--format", "json"]);
    let out = vignette(all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("JSON output")
}

const REFERENCE_ARGS: [&str; 8] = [
    "--phase",
    "endpoint",
    "--change",
    "baseline:endpoint",
    "--cluster",
    "site",
    "--boot",
    "300",
];

#[test]
fn the_binary_matches_scipy_numpy_and_statsmodels() {
    check_reference(&json_of(&REFERENCE_ARGS));
}

/// Offerings given to whole municipalities are compared with municipalities
/// as clusters unless the group-level analysis is asked for: the default
/// never falls back to treating groups as independent.
#[test]
fn offerings_are_compared_at_the_site_level_by_default() {
    let json = json_of(&["--phase", "endpoint", "--change", "baseline:endpoint"]);
    check_pairs(&json["pairwise"], &PAIRWISE, true);
    check_pairs(&json["change_pairwise"], &CHANGE_PAIRWISE, true);
    assert_eq!(json["cluster"], "site");
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "`samlingsbasert` has its groups in 2 sites: the site-level test has been checked"
        )),
        "{warnings:?}"
    );
    // Other keys than offering are compared at the group level.
    let roles = json_of(&["--phase", "endpoint", "--by", "role"]);
    assert_eq!(roles["pairwise"][0]["method"], "welch");
}

#[test]
fn the_group_level_analysis_counts_groups_as_independent_and_welch_tests_them() {
    let json = json_of(&[
        "--phase",
        "endpoint",
        "--change",
        "baseline:endpoint",
        "--group-level",
    ]);
    check_pairs(&json["pairwise"], &PAIRWISE, false);
    check_pairs(&json["change_pairwise"], &CHANGE_PAIRWISE, false);
    assert_eq!(json["pairwise"][0]["level"], "group");
}

fn sorted_keys(item: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn the_json_follows_the_contract() {
    let json = json_of(&["--phase", "endpoint", "--group-level"]);
    for key in ["groups", "pairwise", "warnings"] {
        assert!(json[key].is_array(), "{key}");
    }
    assert!(json.get("change").is_none() && json.get("clustering").is_none());
    for cell in json["groups"].as_array().unwrap() {
        let keys = sorted_keys(cell);
        for key in [
            "ci95_boot",
            "ci95_t",
            "dimension",
            "mean",
            "median",
            "n",
            "offering",
            "sd",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        assert_eq!(cell["ci95_boot"].as_array().unwrap().len(), 2);
    }
    for pair in json["pairwise"].as_array().unwrap() {
        let keys = sorted_keys(pair);
        for key in [
            "a",
            "b",
            "dimension",
            "diff",
            "diff_ci95",
            "hedges_g",
            "hedges_g_ci95",
            "welch_t",
            "welch_df",
            "p",
            "p_holm",
            "method",
            "level",
            "se",
            "t",
            "df",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
    }
    let with_change = json_of(&["--change", "baseline:endpoint", "--boot", "0"]);
    for change in with_change["change"].as_array().unwrap() {
        let keys = sorted_keys(change);
        assert_eq!(
            keys,
            [
                "ci95",
                "df",
                "dimension",
                "dz",
                "level",
                "mean_change",
                "method",
                "n_pairs",
                "offering",
                "p",
                "paired_t",
                "unpaired"
            ]
        );
    }
    assert!(with_change["groups"][0]["ci95_boot"].is_null());
}

#[test]
fn several_keys_make_the_cells_and_the_first_is_compared() {
    let json = json_of(&[
        "--by", "sector", "--by", "role", "--phase", "endpoint", "--boot", "50",
    ]);
    assert_eq!(json["by"], serde_json::json!(["sector", "role"]));
    for cell in json["groups"].as_array().unwrap() {
        assert!(
            cell["sector"].is_string() && cell["role"].is_string(),
            "{cell}"
        );
        assert!(cell.get("offering").is_none());
    }
    let levels: Vec<(&str, &str)> = json["pairwise"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["dimension"] == "handling")
        .map(|p| (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(
        levels,
        [
            ("both", "kindergarten"),
            ("both", "school"),
            ("kindergarten", "school")
        ]
    );
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("fewer than 5 groups"), "{warnings}");
}

#[test]
fn the_same_seed_gives_the_same_intervals_and_another_seed_others() {
    let a = json_of(&["--seed", "11", "--boot", "400", "--cluster", "site"]);
    let b = json_of(&["--seed", "11", "--boot", "400", "--cluster", "site"]);
    let c = json_of(&["--seed", "12", "--boot", "400", "--cluster", "site"]);
    assert_eq!(a, b);
    let intervals = |json: &Value, field: &str| -> Vec<Value> {
        json["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g[field].clone())
            .collect()
    };
    for field in ["ci95_boot", "ci95_cluster"] {
        assert_ne!(intervals(&a, field), intervals(&c, field), "{field}");
    }
    assert_eq!(intervals(&a, "ci95_t"), intervals(&c, "ci95_t"));
    assert_eq!(a["seed"], 11);
}

/// The JSON of the binary run with `RAYON_NUM_THREADS=threads`.
fn with_threads(threads: &str) -> Value {
    let path = fixture();
    let out = Vignette::new()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "compare",
            "--scores",
            path.to_str().unwrap(),
            "--cluster",
            "site",
        ])
        .args(["--boot", "3000", "--format", "json"])
        .ok();
    serde_json::from_str(&out).unwrap()
}

#[test]
fn intervals_do_not_depend_on_the_number_of_threads() {
    assert_eq!(with_threads("1"), with_threads("3"));
    let scores = scores();
    let request = Request {
        boot: 2000,
        cluster: Some("county".into()),
        ..Request::default()
    };
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| compare::compare(&scores, &request).unwrap())
    };
    assert_eq!(in_pool(1), in_pool(4));
}

#[test]
fn warnings_name_small_cells_missing_phases_pooled_phases_and_role_mixes() {
    let json = json_of(&["--boot", "0"]);
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let has = |text: &str| warnings.iter().any(|w| w.contains(text));
    assert!(
        has("offering `samlingsbasert` has no scores at midpoint"),
        "{warnings:#?}"
    );
    assert!(
        has("scores of 3 phases (baseline, midpoint, endpoint) are pooled"),
        "{warnings:#?}"
    );
    assert!(
        has("offerings `laeringsmiljoprosjektet` and `nettbasert` differ in the roles"),
        "{warnings:#?}"
    );
    // The missing phase is named whatever phase is compared.
    let at_endpoint = json_of(&["--phase", "endpoint", "--boot", "0"]);
    assert!(
        at_endpoint["warnings"]
            .to_string()
            .contains("no scores at midpoint")
    );
    assert!(!at_endpoint["warnings"].to_string().contains("pooled"));
}

#[test]
fn undefined_statistics_are_null_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.csv");
    std::fs::write(
        &path,
        "group,site,offering,phase,role,dimension,score\n\
         g1,s1,a,endpoint,teacher,handling,50\n\
         g2,s1,b,endpoint,teacher,handling,60\n\
         g3,s2,b,endpoint,teacher,handling,60\n",
    )
    .unwrap();
    let out = vignette([
        "compare",
        "--scores",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("NaN"));
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let a = find(&json["groups"], &[("offering", "a")]);
    assert!(a["sd"].is_null() && a["ci95_t"].is_null() && a["ci95_boot"].is_null());
    let pair = &json["pairwise"][0];
    assert_eq!(pair["diff"], -10.0);
    for field in [
        "hedges_g",
        "hedges_g_ci95",
        "welch_t",
        "welch_df",
        "p",
        "p_holm",
    ] {
        assert!(pair[field].is_null(), "{field}: {pair}");
    }
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("offering=b on handling: all 2 groups have the same score"));
}

#[test]
fn the_text_table_and_csv() {
    let path = fixture();
    let file = path.to_str().unwrap();
    let out = vignette([
        "compare", "--scores", file, "--phase", "endpoint", "--boot", "100",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("groups by offering (phase endpoint)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("laeringsmiljoprosjektet"));
    assert!(out.stdout.contains("bootstrap: 100 resamples, seed 2026"));
    assert!(out.stdout.contains("warning: offering `samlingsbasert`"));
    let csv = vignette([
        "compare", "--scores", file, "--phase", "endpoint", "--format", "csv",
    ]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "offering,dimension,n,mean,sd,median,ci95_t_lo,ci95_t_hi,ci95_boot_lo,ci95_boot_hi,\
         ci95_cluster_lo,ci95_cluster_hi"
    );
    assert_eq!(lines.len(), 10);
    assert!(lines[1].starts_with("laeringsmiljoprosjektet,prevention,9,66.83333333333333,"));
    assert!(csv.stderr.contains("warning: "));
}

/// Runs `compare --scores` on a temp file with `content` and `args`; returns (code, stderr).
fn refused(content: &str, args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scores.csv");
    std::fs::write(&path, content).unwrap();
    let mut all = vec!["compare", "--scores", path.to_str().unwrap()];
    all.extend(args);
    let out = vignette(all);
    (out.code, out.stderr)
}

const HEADER: &str = "group,site,offering,phase,role,dimension,score\n";

#[test]
fn bad_scores_files_are_refused_with_file_and_line() {
    let (code, err) = refused(
        "group,site,offering,phase,dimension,score\ng,s,a,p,d,5\n",
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("scores.csv:1: missing column(s) role"),
        "{err}"
    );
    let (code, err) = refused(
        &format!("{HEADER}g1,s,a,endpoint,teacher,handling,fifty\n"),
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("scores.csv:2: score `fifty` is not a number"),
        "{err}"
    );
    let twice = format!(
        "{HEADER}g1,s,a,endpoint,teacher,handling,50\ng2,s,a,endpoint,teacher,handling,50\n\
         g1,s,a,endpoint,teacher,handling,55\n"
    );
    let (code, err) = refused(&twice, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "scores.csv:4: group `g1` already has a `handling` score at phase `endpoint` (line 2)"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: a scores file is CSV with the header"),
        "{err}"
    );
}

#[test]
fn unknown_keys_and_values_list_the_choices() {
    let path = fixture();
    let file = path.to_str().unwrap();
    let out = vignette(["compare", "--scores", file, "--by", "region"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "unknown key `region` to compare by; the scores have the keys: county, offering, \
             phase, role, sector, site"
        ),
        "{}",
        out.stderr
    );
    let out = vignette(["compare", "--scores", file, "--phase", "end"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no phase `end` in the scores; they have: baseline, midpoint, endpoint"),
        "{}",
        out.stderr
    );
    let out = vignette(["compare", "--scores", file, "--dimension", "safety"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("they have: prevention, detection, handling"),
        "{}",
        out.stderr
    );
    let out = vignette(["compare", "--scores", file, "--change", "baseline:later"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no phase `later`"), "{}", out.stderr);
    let out = vignette(["compare", "--scores", file, "--change", "baseline"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("FROM:TO"), "{}", out.stderr);
    let out = vignette(["compare", "--scores", file, "--cluster", "school"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unknown key `school` to cluster by"),
        "{}",
        out.stderr
    );
    let out = vignette(["compare", "--scores", "/nonexistent/scores.csv"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("/nonexistent/scores.csv: cannot read the file"),
        "{}",
        out.stderr
    );
}

/// Runs the binary with the mini fixture bank on the database.
fn in_db(db: &Db, args: &[&str]) -> Output {
    db.command(args).arg("--bank").arg(fixture_bank()).run()
}

/// A session of the mini study with three groups answering M1, as
/// `offering` at `phase`; scored unless `scored` is false.
fn stored_session(db: &Db, id: &str, offering: &str, phase: &str, scored: bool) {
    let new = [
        "session",
        "new",
        "--id",
        id,
        "--study",
        "mini",
        "--offering",
        offering,
        "--phase",
        phase,
        "--site",
        "X",
        "--cohort",
        "1",
        "--groups",
        "3",
        "--vignettes",
        "M1",
        "--seed",
        "1",
    ];
    let out = in_db(db, &new);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answers = db.file(
        &format!("{id}.csv"),
        "group,vignette,prompt,value\n\
         G1,M1,s1_do,Vi snakker med eleven i dag og varsler rektor\n\
         G1,M1,s1_first,talk\n\
         G2,M1,s1_first,wait\n\
         G3,M1,s1_do,Vi venter og ser\n",
    );
    let out = in_db(db, &["session", "import", id, answers.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    if scored {
        let out = in_db(db, &["score", id]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}

#[test]
fn the_store_gives_group_scores_and_names_unscored_sessions() {
    let db = Db::new();
    stored_session(&db, "a0", "a", "baseline", true);
    stored_session(&db, "a1", "a", "endpoint", true);
    stored_session(&db, "b1", "b", "endpoint", false);
    let out = in_db(
        &db,
        &[
            "compare",
            "--format",
            "json",
            "--change",
            "baseline:endpoint",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let cells = json["groups"].as_array().unwrap();
    let dimensions: Vec<&str> = cells
        .iter()
        .map(|c| c["dimension"].as_str().unwrap())
        .collect();
    assert_eq!(dimensions, ["prevention", "detection", "handling"]);
    assert!(cells.iter().all(|c| c["offering"] == "a" && c["n"] == 6));
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("session `b1`: 3 answered unit(s) have no score yet and are left out; run `vignette score b1 --db "),
        "{warnings}"
    );
    let change = find(
        &json["change"],
        &[("offering", "a"), ("dimension", "handling")],
    );
    assert_eq!(
        (change["n_pairs"].as_u64(), change["unpaired"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(change["mean_change"], 0.0);

    let out = in_db(&db, &["compare", "--session", "b1"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no scores to compare"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: session `b1`"), "{}", out.stderr);
}

#[test]
fn an_offering_in_one_site_cannot_be_tested_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scores.csv");
    let mut content = String::from(HEADER);
    for (g, (site, offering, score)) in [
        ("k1", "a", 50.0),
        ("k1", "a", 55.0),
        ("k2", "b", 40.0),
        ("k3", "b", 45.0),
        ("k3", "b", 47.0),
    ]
    .iter()
    .enumerate()
    {
        content += &format!("g{g},{site},{offering},endpoint,teacher,handling,{score}\n");
    }
    std::fs::write(&path, content).unwrap();
    let out = vignette([
        "compare",
        "--scores",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["pairwise"][0]["p"], Value::Null);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains(
            "`a` has its groups in one site: its differences from the others cannot be tested"
        ),
        "{warnings}"
    );
}

/// Groups whose roles were not recorded are not "mixed": their role is
/// missing, left out of the role mix and its warning.
#[test]
fn unrecorded_roles_are_missing_not_mixed() {
    let db = crate::common::Db::new();
    let session = |id: &str, offering: &str, site: &str, groups: &[&str]| {
        let mut args = vec![
            "session",
            "new",
            "--id",
            id,
            "--offering",
            offering,
            "--phase",
            "endpoint",
            "--site",
            site,
            "--site-attr",
            "sector=school",
            "--site-attr",
            "centrality=urban",
            "--cohort",
            "2026",
            "--vignettes",
            "V2",
            "--seed",
            "1",
        ];
        args.extend_from_slice(groups);
        db.ok(&args);
        let answers = "group,vignette,prompt,value\nG1,V2,s1_do,Vi snakker med Lea i dag og varsler rektor\n\
                       G2,V2,s1_do,Vi venter og ser\n";
        let file = db.file("answers.csv", answers);
        db.ok(&["session", "import", id, file.to_str().unwrap()]);
        db.ok(&["score", id]);
    };
    session("a", "nettbasert", "Bodø", &["--groups", "2"]);
    let roles = db.file("roles.csv", "group,roles\nG1,teacher:3\nG2,principal:1\n");
    session(
        "b",
        "samlingsbasert",
        "Alta",
        &["--groups-file", roles.to_str().unwrap()],
    );
    let json: Value = serde_json::from_str(
        &db.ok(&["compare", "--by", "role", "--boot", "0", "--format", "json"]),
    )
    .unwrap();
    let roles: std::collections::BTreeSet<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert!(!roles.contains("mixed"), "{roles:?}");
    assert!(
        roles.contains("(none)") && roles.contains("teacher"),
        "{roles:?}"
    );
    let offerings: Value =
        serde_json::from_str(&db.ok(&["compare", "--boot", "0", "--format", "json"])).unwrap();
    let warnings = offerings["warnings"].to_string();
    assert!(!warnings.contains("differ in the roles"), "{warnings}");
}
