import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { Cancelled } from '../host/commandRunner';
import { WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';

const TEMPLATE = `# A SageMaker training job for a Hugging Face script. Keys are the HuggingFace estimator's
# keyword arguments; hover a key for its documentation, Ctrl+Space for completion.
entry_point: train.py
source_dir: .

instance_type: ml.g5.2xlarge
instance_count: 1

transformers_version: "4.56.2"
pytorch_version: "2.8.0"
py_version: py312

# An IAM role SageMaker can assume: its ARN, or its bare name.
role: SageMakerRole

hyperparameters:
  model_name_or_path: facebook/bart-large-cnn
  dataset_name: your-dataset
  num_train_epochs: 3
  learning_rate: 5e-5
  do_train: true
  do_eval: true
  output_dir: /opt/ml/model
`;

/** Writes a commented job file into the workspace and opens it. */
export function newJobFile(_services: Services) {
  return async (): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = await vscode.window.showInputBox({
      title: 'New SageMaker Job File',
      prompt: 'Name of the job file (".sagemaker.yaml" is added)',
      value: 'train',
      validateInput: (v) => (/^[\w.-]+$/.test(v.trim()) ? undefined : 'Use letters, digits, dots, dashes and underscores.'),
      // Started from the walkthrough, the page takes the focus back as it marks the step done.
      ignoreFocusOut: true,
    });
    if (!name) throw new Cancelled();
    const fileName = `${name.trim().replace(/\.sagemaker\.ya?ml$/i, '')}.sagemaker.yaml`;
    const uri = folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.parse(`untitled:${fileName}`);
    if (folder) {
      const exists = await vscode.workspace.fs.stat(uri).then(
        () => true,
        () => false,
      );
      if (exists) throw new Error(`${fileName} already exists in ${folder.fsPath}; choose another name.`);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(TEMPLATE, 'utf8'));
      await vscode.window.showTextDocument(uri);
    } else {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), TEMPLATE));
    }
    markWalkthroughStep(WalkthroughDone.jobFile);
  };
}
