import { noGrad } from '@fovea/autograd';
import { ones, type Tensor, tensor, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  isParameter,
  Linear,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
} from '../src/index.js';

class Net extends Module {
  features = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU());
  head: Linear;
  scale: Parameter;
  declare step: Tensor | null;
  declare cache: Tensor | null;

  constructor() {
    super();
    this.head = new Linear(4, 2);
    this.scale = new Parameter(ones([1]));
    this.registerBuffer('step', zeros([1]));
    this.registerBuffer('cache', zeros([2]), { persistent: false });
  }

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x).mean([2, 3])).mul(this.scale);
  }
}

describe('Parameter', () => {
  it('is a tensor that requires grad and shares storage with its source', () => {
    const source = zeros([2]);
    const p = new Parameter(source);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(isParameter(p)).toBe(true);
    expect(isParameter(source)).toBe(false);
    source.fill_(3);
    expect(p.toArray()).toEqual([3, 3]);
    expect(new Parameter(zeros([1]), false).requiresGrad).toBe(false);
    expect(() => new Parameter(tensor([1], { dtype: 'int32' }))).toThrow(/floating point/);
    expect(() => new Parameter([1, 2] as unknown as Tensor)).toThrow(/Parameter: expected a Tensor/);
  });
});

describe('Module discovery from own properties', () => {
  it("names parameters like PyTorch and lists them in PyTorch's order", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale',
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(net.parameters()).toHaveLength(7);
    expect(net.parameters()[1]).toBe(net.features.at(0).parameters()[0]);
    expect(net.namedParameters({ recurse: false }).map(([n]) => n)).toEqual(['scale']);
    expect(net.namedParameters({ prefix: 'model' })[0][0]).toBe('model.scale');
  });

  it('finds buffers, persistent or not, and children and modules in assignment order', () => {
    const net = new Net();
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      'step',
      'cache',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
    ]);
    expect(net.buffers()).toHaveLength(5);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['features', 'head']);
    expect(net.children()).toEqual([net.features, net.head]);
    expect(net.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual([
      ':Net',
      'features:Sequential',
      'features.0:Conv2d',
      'features.1:BatchNorm2d',
      'features.2:ReLU',
      'head:Linear',
    ]);
    expect(net.modules()[0]).toBe(net);
  });

  it('follows assignment order, keeps a reassigned property in its place, and ignores plain values', () => {
    class Order extends Module {
      [key: string]: unknown;
      constructor() {
        super();
        this.b = new Linear(1, 1);
        this.a = new Linear(1, 1);
        this.note = 'not a module';
        this.list = [new Linear(1, 1)];
        this.plain = zeros([1]);
        this.b = new ReLU();
      }
    }
    const m = new Order();
    expect(m.namedChildren().map(([n]) => n)).toEqual(['b', 'a']);
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'a.bias']);
  });

  it('lists a shared parameter once but keeps both state-dict keys', () => {
    class Tied extends Module {
      first: Linear;
      second: Linear;
      constructor() {
        super();
        this.first = new Linear(2, 2);
        this.second = this.first;
      }
    }
    const tied = new Tied();
    expect(tied.parameters()).toHaveLength(2);
    expect(tied.children()).toHaveLength(1);
    expect(Object.keys(tied.stateDict())).toEqual([
      'first.weight',
      'first.bias',
      'second.weight',
      'second.bias',
    ]);
  });

  it('registers parameters, buffers and modules by name, and checks the names', () => {
    const m = new Module();
    m.registerParameter('w', new Parameter(zeros([2])));
    m.registerBuffer('b', ones([1]));
    m.registerModule('child', new ReLU());
    m.registerBuffer('none', null);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w']);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'b']);
    expect(m.children()).toHaveLength(1);
    expect(() => m.registerBuffer('w', zeros([1]))).toThrow('registerBuffer: attribute "w" already exists');
    expect(() => m.registerBuffer('a.b', zeros([1]))).toThrow(/can't contain "."/);
    expect(() => m.registerBuffer('', zeros([1]))).toThrow(/can't be empty/);
    expect(() => m.registerBuffer('x', [1] as unknown as Tensor)).toThrow(/a Tensor or null is required/);
    expect(() => m.registerParameter('p', zeros([1]) as Parameter)).toThrow(
      /a Parameter or null is required/,
    );
    // Reassigning a buffer property replaces the buffer's value.
    (m as unknown as { b: Tensor }).b = zeros([3]);
    expect(m.stateDict().b.toArray()).toEqual([0, 0, 0]);
  });

  it('complains when forward is missing', () => {
    class Empty extends Module {}
    expect(() => new Empty().forward(zeros([1]))).toThrow(
      'Module [Empty] is missing the required "forward" function',
    );
  });
});

describe('modes and bulk operations', () => {
  it('train() and eval() set every submodule', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.features.train(false);
    expect(net.training).toBe(true);
    expect(net.features.at(1).training).toBe(false);
  });

  it('zeroGrad() sets every gradient to null', () => {
    const net = new Net();
    net
      .forward(ones([2, 1, 5, 5]))
      .sum()
      .backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('apply() visits children before their parent', () => {
    const net = new Net();
    const seen: string[] = [];
    expect(net.apply((m) => seen.push(m.constructor.name))).toBe(net);
    expect(seen).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU', 'Sequential', 'Linear', 'Net']);
  });
});

describe('state dicts', () => {
  it("orders keys as PyTorch does: own parameters, own buffers, then children's", () => {
    const sd = new Net().stateDict();
    expect(Object.keys(sd)).toEqual([
      'scale',
      'step',
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
    expect(sd['features.1.num_batches_tracked'].dtype).toBe('int32');
    expect(sd.scale.requiresGrad).toBe(false);
    expect(Object.getPrototypeOf(sd)).toBeNull();
  });

  it('returns detached tensors sharing storage with the module (or the parameters with keepVars)', () => {
    const net = new Net();
    const sd = net.stateDict();
    noGrad(() => sd.scale.fill_(5));
    expect(net.scale.item()).toBe(5);
    expect(net.stateDict({ keepVars: true }).scale).toBe(net.scale);
    expect(Object.keys(net.stateDict({ prefix: 'm' }))[0]).toBe('m.scale');
  });

  it('loads values in place without recording history', () => {
    const a = new Net();
    const b = new Net();
    const weight = b.head.weight;
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.head.weight).toBe(weight);
    expect(b.head.weight.toArray()).toEqual(a.head.weight.toArray());
    expect(b.head.weight.requiresGrad).toBe(true);
    expect(b.head.weight.gradFn).toBeNull();
    const map = new Map(Object.entries(a.stateDict()));
    expect(() => b.loadStateDict(map)).not.toThrow();
  });

  it("lists missing, unexpected and mis-shaped keys in PyTorch's format", () => {
    const conv = new Conv2d(1, 1, [1, 2], { bias: false });
    expect(() => conv.loadStateDict({ weight: zeros([1, 1, 1, 3]) })).toThrow(
      'Error(s) in loading state_dict for Conv2d:\n\tsize mismatch for weight: copying a param with shape [1, 1, 1, 3] from checkpoint, the shape in current model is [1, 1, 1, 2].',
    );
    expect(() => conv.loadStateDict({ bias: zeros([1]), 'extra.key': zeros([1]) })).toThrow(
      'Error(s) in loading state_dict for Conv2d:\n\tMissing key(s) in state_dict: "weight". \n\tUnexpected key(s) in state_dict: "bias", "extra.key". ',
    );
    const net = new Net();
    let message = '';
    try {
      const sd = net.stateDict();
      delete sd['head.bias'];
      delete sd.step;
      sd['features.3.weight'] = zeros([1]);
      sd['head.weight'] = zeros([3, 4]);
      net.loadStateDict(sd);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      [
        'Net.loadStateDict: Error(s) in loading state_dict for Net:',
        '\tMissing key(s) in state_dict: "step", "head.bias". ',
        '\tUnexpected key(s) in state_dict: "features.3.weight". ',
        '\tsize mismatch for head.weight: copying a param with shape [3, 4] from checkpoint, the shape in current model is [2, 4].',
      ].join('\n'),
    );
  });

  it('with strict: false, reports the keys instead, but still refuses a shape mismatch', () => {
    const conv = new Conv2d(1, 1, [1, 2]);
    const result = conv.loadStateDict({ weight: ones([1, 1, 1, 2]), other: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['other'] });
    expect(conv.weight.toArray()).toEqual([[[[1, 1]]]]);
    expect(() => conv.loadStateDict({ weight: ones([2]) }, { strict: false })).toThrow(
      /size mismatch for weight/,
    );
    expect(() => conv.loadStateDict({ weight: [1, 2] as unknown as Tensor, bias: zeros([1]) })).toThrow(
      /While copying the parameter named "weight", expected a Tensor from checkpoint but received an array/,
    );
  });

  it('does not save or load non-persistent buffers', () => {
    const net = new Net();
    expect('cache' in net.stateDict()).toBe(false);
    const sd = net.stateDict();
    sd.cache = zeros([2]);
    expect(() => net.loadStateDict(sd)).toThrow(/Unexpected key\(s\) in state_dict: "cache"/);
  });
});

describe('containers', () => {
  it('Sequential chains forward, names children by index or by key, and indexes', () => {
    const seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(seq.length).toBe(3);
    expect(seq[0]).toBe(seq.at(0));
    expect(seq.at(-1)).toBe(seq[2]);
    expect(() => seq.at(3)).toThrow('Sequential: index 3 is out of range (length 3)');
    expect([...seq]).toHaveLength(3);
    expect(seq.forward(ones([5, 3])).shape).toEqual([5, 2]);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const tail = seq.slice(1);
    expect(tail.length).toBe(2);
    expect(tail[0]).toBe(seq[1]);
    seq.append(new Dropout());
    expect(seq.length).toBe(4);
    const named = new Sequential({ fc: new Linear(2, 2), act: new ReLU() });
    expect(named.namedChildren().map(([n]) => n)).toEqual(['fc', 'act']);
    expect(named.at(1)).toBeInstanceOf(ReLU);
    expect(() => new Sequential(new ReLU(), 3 as unknown as Module)).toThrow(
      'Sequential: argument 1 is not a Module',
    );
  });

  it('ModuleList registers, indexes, inserts and pops, renumbering', () => {
    const list = new ModuleList([new Linear(1, 1), new ReLU()]);
    list.append(new Linear(1, 2));
    expect(list.length).toBe(3);
    expect(list[2]).toBeInstanceOf(Linear);
    list.insert(1, new Dropout());
    expect([...list].map((m) => m.constructor.name)).toEqual(['Linear', 'Dropout', 'ReLU', 'Linear']);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
    expect(list.pop(0)).toBeInstanceOf(Linear);
    expect(Object.keys(list.stateDict())).toEqual(['2.weight', '2.bias']);
    expect(list.at(-1)).toBe(list[2]);
    expect(() => list.forward()).toThrow(/missing the required "forward"/);
  });
});
